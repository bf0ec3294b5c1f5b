import { describe, expect, it } from 'vitest';
import type { IncomingRecord } from '../src/client/kafka-client.js';
import { decodeMetadata, encodeMetadata, PartitionWindow } from '../src/partition-window.js';

const record = (offset: number, key: string | null = null, headers: Record<string, string> = {}): IncomingRecord => ({
  offset,
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(`v${offset}`),
  headers,
  timestamp: 0,
});

describe('PartitionWindow', () => {
  it('commits up to the first unfinished record, whatever order records finish in', () => {
    const window = new PartitionWindow('t', 0, -1, null);
    const entries = [10, 11, 12, 13].map((o) => window.take(record(o)));
    for (const entry of entries) if (entry) window.handOut(entry);
    expect(window.position()).toBe(10);
    window.complete(entries[1] as never);
    window.complete(entries[3] as never);
    expect(window.position()).toBe(10);
    expect(decodeMetadata(window.metadata())).toEqual({
      h: 13,
      n: 1,
      d: [
        [11, 11],
        [13, 13],
      ],
    });
    window.complete(entries[0] as never);
    expect(window.position()).toBe(12);
    window.complete(entries[2] as never);
    expect(window.position()).toBe(14);
    expect(window.size).toBe(0);
  });

  it('skips gaps in offsets (compaction, transaction markers) and refetched duplicates', () => {
    const window = new PartitionWindow('t', 0, 5, null);
    expect(window.take(record(3))).toBeUndefined();
    const a = window.take(record(5));
    const b = window.take(record(9));
    expect(window.take(record(9))).toBeUndefined();
    window.complete(a as never);
    expect(window.position()).toBe(9);
    window.complete(b as never);
    expect(window.position()).toBe(10);
  });

  it('a new owner skips what the previous one finished and counts the redelivery of what it did not', () => {
    const metadata = encodeMetadata({ h: 7, n: 2, d: [[5, 6]] });
    const window = new PartitionWindow('t', 0, 4, metadata);
    const four = window.take(record(4));
    expect(window.take(record(5))).toBeUndefined();
    expect(window.take(record(6))).toBeUndefined();
    const seven = window.take(record(7));
    const eight = window.take(record(8));
    expect(window.handOut(four as never)).toBe(3);
    expect(window.handOut(seven as never)).toBe(3);
    expect(window.handOut(eight as never)).toBe(1);
    window.complete(four as never);
    expect(window.position()).toBe(7);
  });

  it('takes the delivery count a requeue or a delay wrote in the record header', () => {
    const window = new PartitionWindow('t', 0, -1, null);
    const entry = window.take(record(0, 'k', { 'tq-delivery-count': '3' }));
    expect(entry?.key).toBe('k');
    expect(window.handOut(entry as never)).toBe(4);
  });

  it('metadata stays under Kafka limits: done ranges that do not fit are dropped (they would only re-run)', () => {
    const ranges = Array.from({ length: 2000 }, (_, i): [number, number] => [i * 10, i * 10 + 1]);
    const text = encodeMetadata({ h: 1, n: 1, d: ranges });
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(decodeMetadata(text)?.d.length).toBeGreaterThan(0);
    expect(decodeMetadata('from another client')).toBeUndefined();
  });
});
