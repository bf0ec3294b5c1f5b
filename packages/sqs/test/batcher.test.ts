import { describe, expect, it } from 'vitest';
import { Batcher } from '../src/batcher.js';

function recorder(options: { window: number | 'tick'; maxBytes?: number; serial?: boolean; fail?: (item: number) => boolean }) {
  const calls: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const batcher = new Batcher<number>({
    maxItems: 10,
    window: options.window,
    maxBytes: options.maxBytes,
    sizeOf: (n) => n,
    serial: options.serial,
    send: async (_key, items) => {
      calls.push([...items]);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return items.map((n) => (options.fail?.(n) ? new Error(`no ${n}`) : undefined));
    },
  });
  return { batcher, calls, maxInFlight: () => maxInFlight };
}

describe('Batcher', () => {
  it('what arrives in one turn shares calls of at most 10', async () => {
    const { batcher, calls } = recorder({ window: 'tick' });
    await Promise.all(Array.from({ length: 23 }, (_, i) => batcher.add('q', 1 + (i % 3))));
    expect(calls.map((c) => c.length)).toEqual([10, 10, 3]);
  });

  it('a timed window collects items added a little later', async () => {
    // A window far wider than the 5 ms gap, so a stalled machine still adds the second item inside it.
    const { batcher, calls } = recorder({ window: 250 });
    const first = batcher.add('q', 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all([first, batcher.add('q', 2)]);
    expect(calls).toEqual([[1, 2]]);
  });

  it('keys never share a call', async () => {
    const { batcher, calls } = recorder({ window: 'tick' });
    await Promise.all([batcher.add('a', 1), batcher.add('b', 2)]);
    expect(calls.sort()).toEqual([[1], [2]]);
  });

  it('respects the byte limit per call', async () => {
    const { batcher, calls } = recorder({ window: 'tick', maxBytes: 10 });
    await Promise.all([4, 4, 4, 9, 1].map((n) => batcher.add('q', n)));
    expect(calls).toEqual([[4, 4], [4], [9, 1]]);
  });

  it('each item settles with its own outcome', async () => {
    const { batcher } = recorder({ window: 'tick', fail: (n) => n === 2 });
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.add('q', n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('serial: one call per key in flight, items in the order they were added', async () => {
    const { batcher, calls, maxInFlight } = recorder({ window: 'tick', serial: true });
    await Promise.all(Array.from({ length: 25 }, (_, i) => batcher.add('q', i + 1)));
    expect(maxInFlight()).toBe(1);
    expect(calls.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('flush() sends what waits and waits for calls in flight', async () => {
    const { batcher, calls } = recorder({ window: 10_000 });
    const pending = batcher.add('q', 1);
    await batcher.flush();
    expect(calls).toEqual([[1]]);
    await pending;
  });
});
