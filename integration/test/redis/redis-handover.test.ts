import { randomUUID } from 'node:crypto';
import { createTaskMessage, type Delivery } from '@tq/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { brokerAvailable, brokerUrl } from '../../harness/index.js';
import { reportMs } from '../../harness/timing.js';
import { brokerOn, deleteQueues } from './redis-test-env.js';

/** tq's default priority lands in kombu bucket 9. */
const DEFAULT_LIST_SUFFIX = '\x06\x169';

const message = () => createTaskMessage({ task: 'handover.task', id: randomUUID() });

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(!brokerAvailable('redis'))('redis: producers hand messages to idle consumers (standalone)', () => {
  it('an idle consumer runs published messages without claiming, and registers again once its credits are spent', async () => {
    const queue = `handover-${randomUUID().slice(0, 8)}`;
    const [consumer, producer] = [brokerOn('redis', { pollIntervalMs: 5000 }), brokerOn('redis')];
    const redis = new Redis(brokerUrl('redis'));
    await Promise.all([consumer.connect(), producer.connect()]);
    try {
      const got: Delivery[] = [];
      let arrived: () => void = () => {};
      await consumer.consume(
        [queue],
        async (delivery) => {
          got.push(delivery);
          await delivery.ack();
          arrived();
        },
        { prefetch: 3 },
      );
      await until(async () => (await redis.zcard(`_tq.${queue}.idle`)) === 1, 'the consumer to register idle');
      expect(Number(await redis.hvals(`_tq.${queue}.credits`))).toBe(3);
      for (let i = 0; i < 2; i++) {
        const handled = new Promise<void>((resolve) => {
          arrived = resolve;
        });
        await producer.publish(queue, message());
        await handled;
      }
      // Handed over, not claimed: a claim would have registered the consumer again with 3 credits.
      expect(got.map((delivery) => delivery.deliveryCount)).toEqual([1, 1]);
      expect(Number(await redis.hget(`_tq.${queue}.credits`, (await redis.zrange(`_tq.${queue}.idle`, 0, 0))[0] ?? ''))).toBe(1);
      // The last credit: the consumer claims again, which registers it again with its room.
      await producer.publish(queue, message());
      await until(async () => got.length === 3, 'the third message');
      await until(async () => (await redis.hvals(`_tq.${queue}.credits`)).join() === '3', 'the registration to be renewed');
      await until(async () => (await redis.hlen(`_tq.${queue}.unacked`)) === 0, 'the acks');
      expect(await redis.llen(`${queue}${DEFAULT_LIST_SUFFIX}`)).toBe(0);
    } finally {
      redis.disconnect();
      await Promise.all([consumer.close(), producer.close()]);
      await deleteQueues('redis', [queue]);
    }
  });

  it('a consumer out of room takes no more: the rest waits on the list and is claimed when room frees', async () => {
    const queue = `handover-${randomUUID().slice(0, 8)}`;
    const [consumer, producer] = [brokerOn('redis', { pollIntervalMs: 5000 }), brokerOn('redis')];
    const redis = new Redis(brokerUrl('redis'));
    await Promise.all([consumer.connect(), producer.connect()]);
    try {
      const held: Delivery[] = [];
      const finish: (() => void)[] = [];
      // A handler holds its slot until its task is finished.
      await consumer.consume(
        [queue],
        async (delivery) => {
          held.push(delivery);
          await new Promise<void>((resolve) => finish.push(resolve));
          await delivery.ack();
        },
        { prefetch: 2 },
      );
      await until(async () => (await redis.zcard(`_tq.${queue}.idle`)) === 1, 'the consumer to register idle');
      for (let i = 0; i < 3; i++) await producer.publish(queue, message());
      await until(async () => held.length === 2, 'two hand-overs');
      expect(await redis.llen(`${queue}${DEFAULT_LIST_SUFFIX}`)).toBe(1);
      expect(await redis.zcard(`_tq.${queue}.idle`)).toBe(0);
      finish[0]?.();
      await until(async () => held.length === 3, 'the third, claimed once room freed');
      for (const done of finish) done();
      expect(await redis.llen(`${queue}${DEFAULT_LIST_SUFFIX}`)).toBe(0);
    } finally {
      redis.disconnect();
      await Promise.all([consumer.close(), producer.close()]);
      await deleteQueues('redis', [queue]);
    }
  });

  it('a closed consumer leaves: its registration is gone and the next message waits on the list', async () => {
    const queue = `handover-${randomUUID().slice(0, 8)}`;
    const [consumer, producer] = [brokerOn('redis'), brokerOn('redis')];
    const redis = new Redis(brokerUrl('redis'));
    await Promise.all([consumer.connect(), producer.connect()]);
    try {
      const subscription = await consumer.consume([queue], async (delivery) => delivery.ack(), { prefetch: 2 });
      await until(async () => (await redis.zcard(`_tq.${queue}.idle`)) === 1, 'the consumer to register idle');
      await subscription.close();
      expect(await redis.zcard(`_tq.${queue}.idle`)).toBe(0);
      expect(await redis.hlen(`_tq.${queue}.credits`)).toBe(0);
      await producer.publish(queue, message());
      expect(await redis.llen(`${queue}${DEFAULT_LIST_SUFFIX}`)).toBe(1);
      expect(await redis.hlen(`_tq.${queue}.unacked`)).toBe(0);
    } finally {
      redis.disconnect();
      await Promise.all([consumer.close(), producer.close()]);
      await deleteQueues('redis', [queue]);
    }
  });

  it('a message handed to a consumer that died registered comes back after its visibility timeout', async (context) => {
    const queue = `handover-${randomUUID().slice(0, 8)}`;
    const producer = brokerOn('redis', { visibilityTimeoutMs: 300 });
    const consumer = brokerOn('redis', { visibilityTimeoutMs: 300, pollIntervalMs: 100 });
    const redis = new Redis(brokerUrl('redis'));
    await Promise.all([consumer.connect(), producer.connect()]);
    try {
      // A consumer that registered and died: nobody will ever pop its inbox.
      await redis.zadd(`_tq.${queue}.idle`, Date.now() + 60_000, 'dead-consumer');
      await redis.hset(`_tq.${queue}.credits`, 'dead-consumer', 5);
      const id = randomUUID();
      await producer.publish(queue, createTaskMessage({ task: 'handover.task', id }));
      expect(await redis.llen(`_tq.${queue}.inbox.dead-consumer`)).toBe(1);
      expect(await redis.hlen(`_tq.${queue}.unacked`)).toBe(1);
      const got: Delivery[] = [];
      const started = Date.now();
      await consumer.consume(
        [queue],
        async (delivery) => {
          got.push(delivery);
          await delivery.ack();
        },
        { prefetch: 1 },
      );
      // That it comes back is the point; how soon is reported (until() bounds it at 5 s).
      await until(async () => got.length === 1, 'the restored message');
      await reportMs(context, 'consume → restored delivery (visibility 300 ms)', Date.now() - started);
      expect(got[0]?.message?.headers.id).toBe(id);
      expect(got[0]?.deliveryCount).toBe(2);
    } finally {
      redis.disconnect();
      await Promise.all([consumer.close(), producer.close()]);
      await deleteQueues('redis', [queue]);
      await new Redis(brokerUrl('redis')).del(`_tq.${queue}.inbox.dead-consumer`).catch(() => {});
    }
  });
});
