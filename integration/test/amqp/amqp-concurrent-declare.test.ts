import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteQueues, testBroker } from './amqp-support.js';

const created: string[] = [];
afterEach(async () => {
  await deleteQueues(created.splice(0));
});

describe('amqp declarations racing other processes', () => {
  // RabbitMQ answers NOT_FOUND "home node ... is down or inaccessible" to a connection declaring a
  // quorum queue that another connection is still creating; a fleet starting at once hits it.
  it('24 workers starting at once on new quorum queues all start (each declares the queue and its delay ladder)', async () => {
    for (let round = 0; round < 3; round++) {
      const queue = `tq-race-${randomUUID()}`;
      created.push(queue);
      const brokers = Array.from({ length: 24 }, () => testBroker({ queueType: 'quorum' }));
      try {
        await Promise.all(brokers.map((broker) => broker.connect()));
        const subscriptions = await Promise.all(brokers.map((broker) => broker.consume([queue], async () => {}, { prefetch: 1 })));
        expect(subscriptions).toHaveLength(24);
        await Promise.all(subscriptions.map((subscription) => subscription.close()));
      } finally {
        await Promise.all(brokers.map((broker) => broker.close()));
      }
    }
  }, 120_000);
});
