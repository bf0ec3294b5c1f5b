import { randomUUID } from 'node:crypto';
import { createTaskMessage } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { brokerAvailable } from '../../harness/index.js';
import { reportMs } from '../../harness/timing.js';
import { brokerOn, deleteQueues } from './redis-test-env.js';

/** A long poll interval: a missed ring would show up as a multi-second hop. */
const POLL_INTERVAL_MS = 5000;
/** A rung hop takes about 1 ms; this leaves room for a loaded machine and still tells a ring from a poll. */
const MEDIAN_HOP_BOUND_MS = 50;

describe.skipIf(!brokerAvailable('redis'))('redis: the doorbell never loses a wake-up', () => {
  it('500 sequential publish → handler hops, none waiting for the poll interval', async (context) => {
    const queue = `doorbell-${randomUUID().slice(0, 8)}`;
    const [consumer, producer] = [brokerOn('redis', { pollIntervalMs: POLL_INTERVAL_MS }), brokerOn('redis')];
    await Promise.all([consumer.connect(), producer.connect()]);
    try {
      let arrived: () => void = () => {};
      // Signalled as the handler settles: the next publish then races the consumer's next claim,
      // which is exactly when a ring used to be swallowed.
      await consumer.consume(
        [queue],
        async (delivery) => {
          await delivery.ack();
          arrived();
        },
        { prefetch: 10 },
      );
      const hops: number[] = [];
      for (let i = 0; i < 500; i++) {
        const got = new Promise<void>((resolve) => {
          arrived = resolve;
        });
        const started = performance.now();
        await producer.publish(queue, createTaskMessage({ task: 'doorbell.hop', id: randomUUID() }));
        await got;
        hops.push(performance.now() - started);
      }
      hops.sort((a, b) => a - b);
      const [median, p99, max] = [hops[250] as number, hops[495] as number, hops.at(-1) as number];
      await reportMs(context, 'hop median, p99, max', [median, p99, max]);
      // A lost wake-up waits for the next poll, up to 5 s; a stalled machine, a few hundred ms at worst.
      expect(max).toBeLessThan(POLL_INTERVAL_MS / 2);
      expect(median).toBeLessThan(MEDIAN_HOP_BOUND_MS);
    } finally {
      await Promise.all([consumer.close(), producer.close()]);
      await deleteQueues('redis', [queue]);
    }
  }, 60_000);
});
