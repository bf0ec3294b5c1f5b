import { randomUUID } from 'node:crypto';
import { createTaskMessage, type Delivery, defaultLogger, RuntimeBroker, RuntimeHooks } from '@tq/core';
import type { RedisBroker } from '@tq/redis';
import { describe, expect, it } from 'vitest';
import { brokerAvailable } from '../../harness/index.js';
import { brokerOn, deleteQueues, type RedisDeployment } from './redis-test-env.js';

const VT = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const runtime = (transport: RedisBroker) => new RuntimeBroker(transport, { logger: defaultLogger(), hooks: new RuntimeHooks() });

describe.each(['redis', 'redis-cluster'] as RedisDeployment[])('%s: one owner of liveness (core heartbeat)', (deployment) => {
  it.skipIf(!brokerAvailable(deployment))(
    "core's heartbeat alone keeps a held delivery through 10 visibility timeouts, and a full consumer stays healthy",
    async () => {
      const queue = `liveness-${randomUUID().slice(0, 8)}`;
      const transport = brokerOn(deployment, { visibilityTimeoutMs: VT, pollIntervalMs: 100 });
      const [worker, rival] = [runtime(transport), runtime(brokerOn(deployment, { visibilityTimeoutMs: VT, pollIntervalMs: 100 }))];
      await Promise.all([worker.connect(), rival.connect()]);
      try {
        const held: Delivery[] = [];
        const stolen: Delivery[] = [];
        let healthyWhileFull: boolean | undefined;
        await worker.consume(
          [queue],
          async (delivery) => {
            held.push(delivery);
            // Never extends by itself: the runtime's heartbeat does, every third of VT.
            await sleep(10 * VT);
            healthyWhileFull = transport.health().healthy;
            await delivery.ack();
          },
          { prefetch: 1 },
        );
        await worker.publish(queue, createTaskMessage({ task: 'liveness.hold', id: randomUUID() }));
        await until(() => held.length === 1, 'the delivery');
        await rival.consume(
          [queue],
          async (delivery) => {
            stolen.push(delivery);
            await delivery.ack();
          },
          { prefetch: 1 },
        );
        await until(() => healthyWhileFull !== undefined, 'the handler to finish', 15 * VT);
        await sleep(2 * VT);
        expect(stolen).toHaveLength(0);
        expect(held).toHaveLength(1);
        // Full for 3 s (longer than health's 2.3 s staleness bound): the check-in kept contact.
        expect(healthyWhileFull).toBe(true);
      } finally {
        await Promise.all([worker.close(), rival.close()]);
        await deleteQueues(deployment, [queue]);
      }
    },
    20_000,
  );

  it.skipIf(!brokerAvailable(deployment))(
    'the transport does not extend held messages itself: without the runtime, a held one is redelivered after its timeout',
    async () => {
      const queue = `liveness-${randomUUID().slice(0, 8)}`;
      const [owner, rival] = [
        brokerOn(deployment, { visibilityTimeoutMs: VT, pollIntervalMs: 100 }),
        brokerOn(deployment, { pollIntervalMs: 100 }),
      ];
      await Promise.all([owner.connect(), rival.connect()]);
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      try {
        const held: Delivery[] = [];
        await owner.consume(
          [queue],
          async (delivery) => {
            held.push(delivery);
            await released;
            await delivery.ack(); // stale by now: a no-op
          },
          { prefetch: 1 },
        );
        await owner.publish(queue, createTaskMessage({ task: 'liveness.hold', id: randomUUID() }));
        await until(() => held.length === 1, 'the delivery');
        const again: Delivery[] = [];
        await rival.consume(
          [queue],
          async (delivery) => {
            again.push(delivery);
            await delivery.ack();
          },
          { prefetch: 1 },
        );
        await until(() => again.length === 1, 'the redelivery', 10 * VT);
        expect(again[0]?.deliveryCount).toBe(2);
      } finally {
        release();
        await Promise.all([owner.close(), rival.close()]);
        await deleteQueues(deployment, [queue]);
      }
    },
    20_000,
  );
});
