import { describe, expect, it } from 'vitest';
import type { OutgoingRecord } from '../src/client/kafka-client.js';
import { produceRequests } from '../src/produce-requests.js';

const record = (bytes: number): OutgoingRecord => ({ topic: 't', key: null, value: Buffer.alloc(bytes) });

describe('produceRequests', () => {
  it('keeps small sends of one tick in one request', () => {
    const requests = produceRequests([{ records: [record(10)] }, { records: [record(10), record(10)] }], 100);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.records).toHaveLength(3);
    expect([...(requests[0]?.sends ?? [])]).toEqual([0, 1]);
  });

  it('starts a new request before the limit, so a near-limit record does not sink the others', () => {
    const requests = produceRequests([{ records: [record(40)] }, { records: [record(90)] }, { records: [record(40)] }], 100);
    expect(requests.map((r) => r.records.map((x) => x.value.length))).toEqual([[40], [90], [40]]);
    expect(requests.map((r) => [...r.sends])).toEqual([[0], [1], [2]]);
  });

  it('sends an over-limit record alone (the broker refuses it, and only it)', () => {
    const requests = produceRequests([{ records: [record(10), record(500), record(10)] }], 100);
    expect(requests.map((r) => r.records.length)).toEqual([1, 1, 1]);
    expect(requests.every((r) => r.sends.has(0))).toBe(true);
  });

  it('counts keys and headers', () => {
    const keyed: OutgoingRecord = { topic: 't', key: Buffer.alloc(30), value: Buffer.alloc(30), headers: { h: 'x'.repeat(29) } };
    expect(produceRequests([{ records: [keyed] }, { records: [keyed] }], 100)).toHaveLength(2);
  });
});
