import { setTimeout as sleep } from 'node:timers/promises';
import type { Delivery } from '@tq/core';
import { expect, it } from 'vitest';
import { sampleMessage } from '../support/sample-message.js';
import { waitUntil } from '../support/wait-until.js';
import type { BrokerConformanceConfig } from './broker-conformance-config.js';
import { BrokerKit } from './broker-kit.js';

/** Publish, consume and settle: what every transport does, whatever it declares. */
export function deliveryTests(config: BrokerConformanceConfig): void {
  it('round trip: the message arrives intact, first delivery counted as 1', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    const message = sampleMessage({
      args: [1, 'two', { three: [3] }, null],
      kwargs: { unicode: 'zażółć 🐢', nested: { deep: [true, false] }, n: 1.5 },
    });
    await broker.publish(queue, message);
    const received = await kit.collect(broker, [queue]);
    await waitUntil(() => received.length === 1, 'the delivery');

    const delivery = received[0] as Delivery;
    expect(delivery.queue).toBe(queue);
    expect(delivery.decodeError).toBeUndefined();
    expect(delivery.deliveryCount).toBe(1);
    expect(delivery.raw.byteLength).toBeGreaterThan(0);
    expect(delivery.message?.headers).toEqual(message.headers);
    expect(delivery.message?.body).toEqual(message.body);
    expect(delivery.message?.properties.correlation_id).toBe(message.properties.correlation_id);
    expect(delivery.message?.contentType).toBe('application/json');
  });

  it('ack removes the message for good', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    await broker.publish(queue, sampleMessage());
    const received = await kit.collect(broker, [queue]);
    await waitUntil(() => received.length === 1, 'the delivery');
    // Past the visibility timeout: an ack that only hid the message would see it come back.
    await sleep(kit.visibilityTimeoutMs * 1.5);
    expect(received).toHaveLength(1);
    expect(await broker.size(queue)).toBe(0);
  });

  it('nack requeues the message and keeps its deliveryCount: requeued again and again, it still reads 1', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    const message = sampleMessage();
    await broker.publish(queue, message);
    // More returns than a worker's maxDeliveries would allow in a test: deliberate ones never count.
    const requeues = 8;
    const seen: Delivery[] = [];
    await kit.consume(broker, [queue], async (delivery) => {
      seen.push(delivery);
      if (seen.length <= requeues) await delivery.nack();
      else await delivery.ack();
    });
    await waitUntil(() => seen.length === requeues + 1, 'the redeliveries');
    expect(new Set(seen.map((d) => d.message?.headers.id))).toEqual(new Set([message.headers.id]));
    // Where the broker counts every receive and a re-send would break the order (SQS FIFO), it says so.
    const counts = Array.from({ length: requeues + 1 }, (_, i) => (config.capabilities.requeueCountsAsDelivery ? i + 1 : 1));
    expect(seen.map((d) => d.deliveryCount)).toEqual(counts);
  });

  it('nack({ requeue: false }) drops the message', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    await broker.publish(queue, sampleMessage());
    const seen: Delivery[] = [];
    await kit.consume(broker, [queue], async (delivery) => {
      seen.push(delivery);
      await delivery.nack({ requeue: false });
    });
    await waitUntil(() => seen.length === 1, 'the delivery');
    await sleep(kit.visibilityTimeoutMs * 1.5);
    expect(seen).toHaveLength(1);
    expect(await broker.size(queue)).toBe(0);
  });

  it('settling twice is a no-op (the first settle wins, nothing throws)', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    await broker.publish(queue, sampleMessage());
    const seen: Delivery[] = [];
    await kit.consume(broker, [queue], async (delivery) => {
      seen.push(delivery);
      await delivery.ack();
      await delivery.nack();
      await delivery.ack();
      if (broker.capabilities.deadLetter) await delivery.deadLetter('too late');
    });
    await waitUntil(() => seen.length === 1, 'the delivery');
    await sleep(kit.visibilityTimeoutMs * 1.5);
    expect(seen).toHaveLength(1);
    expect(await broker.size(queue)).toBe(0);
    if (broker.capabilities.deadLetter) expect(await broker.deadLetters(queue)).toEqual([]);
  });

  it('one consumer reads several queues', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const [first, second] = [kit.queue('a'), kit.queue('b')];
    await broker.publish(first, sampleMessage({ args: ['first'] }));
    await broker.publish(second, sampleMessage({ args: ['second'] }));
    const received = await kit.collect(broker, [first, second]);
    await waitUntil(() => received.length === 2, 'both deliveries');
    expect(received.map((d) => d.queue).sort()).toEqual([first, second].sort());
  });

  it('a closed subscription receives nothing more; the message waits for the next consumer', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    const early: Delivery[] = [];
    const subscription = await kit.consume(broker, [queue], async (delivery) => {
      early.push(delivery);
      await delivery.ack();
    });
    await subscription.close();
    await subscription.close();
    const message = sampleMessage();
    await broker.publish(queue, message);
    await sleep(100);
    expect(early).toHaveLength(0);
    const late = await kit.collect(broker, [queue]);
    await waitUntil(() => late.length === 1, 'the delivery to the new consumer');
    expect(late[0]?.message?.headers.id).toBe(message.headers.id);
  });

  it('connect and close are idempotent', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    await Promise.all([broker.connect(), broker.connect()]);
    await broker.close();
    await broker.close();
  });
}
