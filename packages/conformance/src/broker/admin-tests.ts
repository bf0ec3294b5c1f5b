import { setTimeout as sleep } from 'node:timers/promises';
import { type Delivery, type OutgoingMessage, TqError } from '@tq/core';
import { expect, it } from 'vitest';
import { deferred } from '../support/deferred.js';
import { sampleMessage } from '../support/sample-message.js';
import { testIf } from '../support/test-if.js';
import { waitUntil } from '../support/wait-until.js';
import type { BrokerConformanceConfig } from './broker-conformance-config.js';
import { BrokerKit } from './broker-kit.js';

/** Size, purge, batches, size limits, and whether the capabilities tell the truth. */
export function adminTests(config: BrokerConformanceConfig): void {
  const caps = config.capabilities;

  it('capabilities are as declared; optional members exist exactly when declared', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    expect(broker.capabilities).toEqual(caps);
    // The transport's own object, and core's runtime around it, agree with the capabilities.
    expect(broker.transport.control !== undefined).toBe(caps.broadcast);
    expect(broker.transport.events !== undefined).toBe(caps.events);
    expect(broker.transport.deadLetters !== undefined).toBe(caps.deadLetter);
    expect(broker.control !== undefined).toBe(caps.broadcast);
    expect(broker.events !== undefined).toBe(caps.events);
    if (!caps.deadLetter) {
      // Core's runtime always has the method; without the capability it refuses clearly.
      const refused = await Promise.resolve()
        .then(() => broker.deadLetters(kit.queue()))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(TqError.is(refused, 'TQ_UNSUPPORTED_CAPABILITY')).toBe(true);
    }
    const queue = kit.queue();
    await broker.publish(queue, sampleMessage());
    const received = await kit.collect(broker, [queue]);
    await waitUntil(() => received.length === 1, 'a delivery');
    expect((received[0] as Delivery).extendVisibility !== undefined).toBe(caps.extendVisibility);
  });

  it('size counts waiting messages (ready and delayed), not in-flight ones', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    expect(await broker.size(queue)).toBe(0);
    for (let i = 0; i < 3; i++) await broker.publish(queue, sampleMessage());
    if (caps.delay) await broker.publish(queue, sampleMessage(), { delayMs: 60_000 });
    const waiting = caps.delay ? 4 : 3;
    expect(await broker.size(queue)).toBe(waiting);

    const gate = deferred();
    const held: Delivery[] = [];
    await kit.consume(broker, [queue], async (delivery) => {
      held.push(delivery);
      await gate.promise;
      await delivery.ack();
    });
    await waitUntil(() => held.length === 1, 'one delivery in flight');
    expect(await broker.size(queue)).toBe(waiting - 1);
    gate.resolve();
  });

  it('purge removes every waiting message (ready and delayed) and says how many', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    for (let i = 0; i < 3; i++) await broker.publish(queue, sampleMessage());
    if (caps.delay) await broker.publish(queue, sampleMessage(), { delayMs: 100 });
    const waiting = caps.delay ? 4 : 3;
    expect(await broker.purge(queue)).toBe(waiting);
    expect(await broker.size(queue)).toBe(0);
    const received = await kit.collect(broker, [queue]);
    await sleep(250); // past the purged delayed message's due time
    expect(received).toHaveLength(0);
  });

  it('publishBatch delivers every message to its queue', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queues = [kit.queue('a'), kit.queue('b')];
    const batch: OutgoingMessage[] = Array.from({ length: 20 }, (_, i) => ({
      queue: queues[i % 2] as string,
      message: sampleMessage({ args: [i] }),
    }));
    await broker.publishBatch(batch);
    const received = await kit.collect(broker, queues, 5);
    await waitUntil(() => received.length === 20, 'all 20 messages');
    const where = new Map(received.map((d) => [d.message?.headers.id, d.queue]));
    for (const { queue, message } of batch) expect(where.get(message.headers.id)).toBe(queue);
  });

  testIf(caps.batchPublish, 'capabilities.batchPublish')(
    'a real batch is all or nothing: one oversized message fails it before anything is sent',
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      const broker = await kit.broker();
      const queue = kit.queue();
      const tooBig = sampleMessage({ args: ['x'.repeat(caps.maxMessageBytes + 1)] });
      const batch = [sampleMessage(), tooBig, sampleMessage()].map((message) => ({ queue, message }));
      await expect(broker.publishBatch(batch)).rejects.toSatisfy((e) => TqError.is(e, 'TQ_PAYLOAD_TOO_LARGE'));
      expect(await broker.size(queue)).toBe(0);
    },
  );

  it('maxMessageBytes is honest: half the limit round-trips, over the limit is refused with both sizes', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    const limit = caps.maxMessageBytes;
    const half = sampleMessage({ args: ['h'.repeat(Math.floor(limit / 2))] });
    await broker.publish(queue, half);
    const received = await kit.collect(broker, [queue]);
    await waitUntil(() => received.length === 1, 'the half-limit message');
    expect(received[0]?.message?.body[0]).toEqual(half.body[0]);

    const over = sampleMessage({ args: ['o'.repeat(limit + 1)] });
    const error = await broker.publish(queue, over).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(TqError.is(error, 'TQ_PAYLOAD_TOO_LARGE')).toBe(true);
    expect(error).toMatchObject({ limitBytes: limit });
    expect((error as { sizeBytes: number }).sizeBytes).toBeGreaterThan(limit);
    expect(await broker.size(queue)).toBe(0);
  }, 30_000);
}
