import { randomUUID } from 'node:crypto';
import { createTaskMessage } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { brokerAvailable } from '../../harness/index.js';
import { brokerOn, deleteQueues } from './redis-test-env.js';

describe.skipIf(!brokerAvailable('redis'))('redis: the doorbell never loses a wake-up', () => {
  it('500 sequential publish → handler hops, none waiting for the poll interval', async () => {
    const queue = `doorbell-${randomUUID().slice(0, 8)}`;
    // A long poll interval: a missed ring would show up as a multi-second hop.
    const [consumer, producer] = [brokerOn('redis', { pollIntervalMs: 5000 }), brokerOn('redis')];
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
      expect(hops.at(-1)).toBeLessThan(1000);
      expect(hops[250]).toBeLessThan(5);
    } finally {
      await Promise.all([consumer.close(), producer.close()]);
      await deleteQueues('redis', [queue]);
    }
  }, 60_000);
});
