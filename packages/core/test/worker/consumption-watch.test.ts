import { describe, expect, it } from 'vitest';
import { ConsumptionWatch } from '../../src/worker/consumption-watch.js';

const STALL_MS = 1000;
const room = { inFlight: 0, capacity: 8 };

describe('ConsumptionWatch: liveness from consumption', () => {
  it('an idle worker with empty queues stays live, however long nothing arrives', () => {
    const watch = new ConsumptionWatch(STALL_MS);
    expect(watch.judge({ readyMessages: 0, ...room }, 0)).toMatchObject({ live: true, ready: true });
    expect(watch.judge({ readyMessages: 0, ...room }, 60_000)).toMatchObject({ live: true, ready: true });
  });

  it('ready messages it has room for and no delivery: not live once that lasted stallAfterMs, live again on a delivery', () => {
    const watch = new ConsumptionWatch(STALL_MS);
    expect(watch.judge({ readyMessages: 5, ...room }, 0).live).toBe(true);
    expect(watch.judge({ readyMessages: 5, ...room }, STALL_MS - 1).live).toBe(true);
    const stalled = watch.judge({ readyMessages: 5, ...room }, STALL_MS);
    expect(stalled).toMatchObject({ live: false, ready: true, readyMessages: 5 });
    expect(stalled.reason).toBe('not consuming for 1000 ms: 5 ready messages waited with room for 8 more, and none arrived');
    watch.delivered(STALL_MS + 10);
    expect(watch.judge({ readyMessages: 5, ...room }, STALL_MS + 20)).toMatchObject({ live: true, sinceLastDeliveryMs: 10 });
  });

  it('a full worker is not stalled by the messages it has no room for', () => {
    const watch = new ConsumptionWatch(STALL_MS);
    watch.judge({ readyMessages: 50, inFlight: 8, capacity: 8 }, 0);
    expect(watch.judge({ readyMessages: 50, inFlight: 8, capacity: 8 }, 10 * STALL_MS).live).toBe(true);
  });

  it('a broker that cannot be asked: not ready at once, not live once that lasted stallAfterMs', () => {
    const watch = new ConsumptionWatch(STALL_MS);
    const first = watch.judge({ readyMessages: undefined, error: 'no answer within 1000 ms', ...room }, 0);
    expect(first).toMatchObject({ live: true, ready: false, reason: 'the broker could not be asked (no answer within 1000 ms)' });
    expect(watch.judge({ readyMessages: undefined, error: 'no answer within 1000 ms', ...room }, STALL_MS)).toMatchObject({
      live: false,
      ready: false,
    });
    // Answering again with nothing waiting ends the stall.
    expect(watch.judge({ readyMessages: 0, ...room }, STALL_MS + 1)).toMatchObject({ live: true, ready: true });
  });

  it('probe: a broker read that hangs counts as failed after the timeout; one failing later is no unhandled rejection', async () => {
    const watch = new ConsumptionWatch(50);
    const hung = await watch.probe(
      () => new Promise<number>((_, reject) => setTimeout(() => reject(new Error('late failure')), 100)),
      () => room,
    );
    expect(hung).toMatchObject({ live: true, ready: false, reason: 'the broker could not be asked (no answer within 50 ms)' });
    // Let the late rejection happen: vitest fails the run on an unhandled one.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      await watch.probe(
        async () => 3,
        () => ({ inFlight: 8, capacity: 8 }),
      ),
    ).toMatchObject({ live: true, ready: true, readyMessages: 3 });
  });
});
