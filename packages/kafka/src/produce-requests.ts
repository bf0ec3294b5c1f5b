import type { OutgoingRecord } from './client/kafka-client.js';

/** Bytes of a record that count against Kafka's `max.message.bytes` (its batch's framing aside). */
function recordBytes(record: OutgoingRecord): number {
  let bytes = record.value.length + (record.key?.length ?? 0);
  for (const [name, value] of Object.entries(record.headers ?? {})) bytes += name.length + value.length;
  return bytes;
}

/**
 * Splits the records of one tick's sends into produce requests of at most `maxBytes` each (a
 * record bigger than that goes alone, for the broker to judge). Kafka refuses a whole request when
 * one partition's batch in it is over `max.message.bytes`, so a near-limit task sent in the same
 * tick as others would fail them all (and itself) if they shared a request. Returns, per request,
 * the indexes of the sends whose records it carries.
 */
export function produceRequests(sends: readonly { records: readonly OutgoingRecord[] }[], maxBytes: number): ProduceRequest[] {
  const requests: ProduceRequest[] = [];
  let current: ProduceRequest = { records: [], sends: new Set() };
  let size = 0;
  sends.forEach((send, index) => {
    for (const record of send.records) {
      const bytes = recordBytes(record);
      if (current.records.length > 0 && size + bytes > maxBytes) {
        requests.push(current);
        current = { records: [], sends: new Set() };
        size = 0;
      }
      current.records.push(record);
      current.sends.add(index);
      size += bytes;
    }
  });
  if (current.records.length > 0) requests.push(current);
  return requests;
}

/** One produce request: its records, and which sends they came from. */
export interface ProduceRequest {
  records: OutgoingRecord[];
  sends: Set<number>;
}
