import type { IncomingRecord } from './kafka-client.js';

/** A record as kafkajs decodes it, from a consumer's batch or a raw Fetch. */
interface KafkajsRecord {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  timestamp: string;
}

/** A kafkajs record as the transport sees it: numbers, and header values as UTF-8 text. */
export function toIncoming(message: KafkajsRecord): IncomingRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = typeof first === 'string' ? first : first.toString('utf8');
  }
  return {
    offset: Number(message.offset),
    key: message.key,
    value: message.value ?? Buffer.alloc(0),
    headers,
    timestamp: Number(message.timestamp),
  };
}
