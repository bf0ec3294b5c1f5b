import { setTimeout as sleep } from 'node:timers/promises';
import { type Broker, type Delivery, TqError } from '@tq/core';
import { expect, it } from 'vitest';
import { deferred } from '../support/deferred.js';
import { sampleMessage } from '../support/sample-message.js';
import { testIf } from '../support/test-if.js';
import { waitUntil } from '../support/wait-until.js';
import type { BrokerConformanceConfig } from './broker-conformance-config.js';
import { BrokerKit } from './broker-kit.js';

/** Crashes, slow consumers, backpressure, competition, poison: at-least-once under stress. */
export function reliabilityTests(config: BrokerConformanceConfig): void {
  const caps = config.capabilities;
  const withVisibility = testIf(caps.visibilityTimeout, 'capabilities.visibilityTimeout');

  withVisibility('redelivers when its consumer dies without settling (subscription closed)', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    // Bare: a live runtime would keep extending the held delivery; a dead process extends nothing.
    const [dying, survivor] = [await kit.bare(), await kit.broker()];
    const queue = kit.queue();
    const message = sampleMessage();
    await dying.publish(queue, message);
    const held: Delivery[] = [];
    const subscription = await kit.consume(dying, [queue], async (delivery) => {
      held.push(delivery);
      await new Promise<never>(() => {}); // never settles: the worker hung, then died
    });
    await waitUntil(() => held.length === 1, 'the first delivery');
    await subscription.close();

    const redelivered = await kit.collect(survivor, [queue]);
    await waitUntil(() => redelivered.length === 1, 'the redelivery', kit.visibilityTimeoutMs + 3000);
    expect(redelivered[0]?.message?.headers.id).toBe(message.headers.id);
    expect(redelivered[0]?.deliveryCount).toBe(2);
  });

  withVisibility('every delivery whose consumer dies adds one to deliveryCount: lost 3 times, the next reads 4', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const queue = kit.queue();
    const message = sampleMessage();
    const counts: number[] = [];
    for (let lost = 1; lost <= 3; lost++) {
      // A new bare broker each time: a new process that takes the message and dies holding it.
      const dying = await kit.bare();
      if (lost === 1) await dying.publish(queue, message);
      const held: Delivery[] = [];
      const subscription = await kit.consume(dying, [queue], async (delivery) => {
        held.push(delivery);
        await new Promise<never>(() => {});
      });
      await waitUntil(() => held.length === 1, `delivery ${lost}`, kit.visibilityTimeoutMs + 3000);
      counts.push(held[0]?.deliveryCount ?? Number.NaN);
      await subscription.close();
    }
    const survivor = await kit.broker();
    const last = await kit.collect(survivor, [queue]);
    await waitUntil(() => last.length === 1, 'the fourth delivery', kit.visibilityTimeoutMs + 3000);
    expect(last[0]?.message?.headers.id).toBe(message.headers.id);
    expect([...counts, last[0]?.deliveryCount]).toEqual([1, 2, 3, 4]);
  });

  withVisibility('redelivers when its connection is force-closed without settling', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const [dying, survivor] = [await kit.broker(), await kit.broker()];
    const queue = kit.queue();
    await dying.publish(queue, sampleMessage());
    const held: Delivery[] = [];
    await kit.consume(dying, [queue], async (delivery) => {
      held.push(delivery);
    });
    await waitUntil(() => held.length === 1, 'the first delivery');
    await dying.close({ force: true });

    const redelivered = await kit.collect(survivor, [queue]);
    await waitUntil(() => redelivered.length === 1, 'the redelivery', kit.visibilityTimeoutMs + 3000);
    expect(redelivered[0]?.deliveryCount).toBe(2);
  });

  testIf(caps.extendVisibility, 'capabilities.extendVisibility')(
    'extendVisibility keeps a live delivery from being redelivered',
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      const [worker, rival] = [await kit.broker(), await kit.broker()];
      const queue = kit.queue();
      await worker.publish(queue, sampleMessage());
      const vt = kit.visibilityTimeoutMs;
      const held: Delivery[] = [];
      const done = deferred();
      await kit.consume(worker, [queue], async (delivery) => {
        held.push(delivery);
        expect(typeof delivery.extendVisibility).toBe('function');
        // Heartbeat at a third of the timeout for three timeouts, then finish.
        for (let elapsed = 0; elapsed < vt * 3; elapsed += vt / 3) {
          await delivery.extendVisibility?.(vt);
          await sleep(vt / 3);
        }
        await delivery.ack();
        done.resolve();
      });
      const stolen = await kit.collect(rival, [queue]);
      await done.promise;
      await sleep(vt * 1.5);
      expect(held).toHaveLength(1);
      expect(stolen).toHaveLength(0);
    },
    15_000,
  );

  it('prefetch: never more than N handlers unsettled at once', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    const prefetch = 3;
    for (let i = 0; i < 10; i++) await broker.publish(queue, sampleMessage({ args: [i] }));
    const gate = deferred();
    let running = 0;
    let peak = 0;
    let finished = 0;
    await kit.consume(
      broker,
      [queue],
      async (delivery) => {
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        await delivery.ack();
        running--;
        finished++;
      },
      prefetch,
    );
    await waitUntil(() => running === prefetch, `${prefetch} running handlers`);
    await sleep(100);
    expect(running).toBe(prefetch);
    gate.resolve();
    await waitUntil(() => finished === 10, 'all 10 handlers');
    expect(peak).toBe(prefetch);
  });

  it('competing consumers: each message goes to exactly one, and both get work', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const consumers = [await kit.broker(), await kit.broker()];
    const queue = kit.queue();
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const message = sampleMessage({ args: [i] });
      ids.add(message.headers.id);
      await (consumers[0] as Broker).publish(queue, message);
    }
    const byConsumer: string[][] = [[], []];
    await Promise.all(
      consumers.map((broker, n) =>
        kit.consume(broker, [queue], async (delivery) => {
          byConsumer[n]?.push(delivery.message?.headers.id ?? '?');
          await sleep(10); // busy for a while, so the other one gets a turn
          await delivery.ack();
        }),
      ),
    );
    await waitUntil(() => byConsumer.flat().length >= 20, 'all 20 deliveries');
    await sleep(100);
    const all = byConsumer.flat();
    expect(all).toHaveLength(20);
    expect(new Set(all)).toEqual(ids);
    expect(byConsumer[0]?.length).toBeGreaterThan(0);
    expect(byConsumer[1]?.length).toBeGreaterThan(0);
  });

  testIf(caps.deadLetter, 'capabilities.deadLetter')('deadLetter parks the raw bytes with the reason', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    await broker.publish(queue, sampleMessage());
    const seen: Delivery[] = [];
    let parked = 0;
    await kit.consume(broker, [queue], async (delivery) => {
      seen.push(delivery);
      await delivery.deadLetter('conformance: parked on purpose');
      parked++;
    });
    // Read only once deadLetter() has settled: on a remote broker it is a round trip.
    await waitUntil(() => parked === 1, 'the delivery, dead-lettered');
    expect(broker.deadLetters).toBeTypeOf('function');
    const letters = await broker.deadLetters?.(queue);
    expect(letters).toHaveLength(1);
    expect(letters?.[0]?.reason).toBe('conformance: parked on purpose');
    expect(letters?.[0]?.queue).toBe(queue);
    expect(Buffer.from(letters?.[0]?.raw ?? []).equals(Buffer.from(seen[0]?.raw ?? []))).toBe(true);
    await sleep(kit.visibilityTimeoutMs * 1.5);
    expect(seen).toHaveLength(1);
    expect(await broker.size(queue)).toBe(0);
  });

  const { publishRaw } = config;
  testIf(publishRaw !== undefined, 'publishRaw (raw byte injection)')(
    'poison bytes arrive with decodeError and intact raw, and do not block the queue',
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      const broker = await kit.broker();
      const queue = kit.queue();
      const poisons = ['{"not": "closed"', '{"body": 42, "content-type": "application/json"}'];
      for (const poison of poisons) await publishRaw?.(broker.transport, queue, poison);
      const good = sampleMessage();
      await broker.publish(queue, good);
      const seen: Delivery[] = [];
      let settled = 0;
      await kit.consume(broker, [queue], async (delivery) => {
        seen.push(delivery);
        if (delivery.decodeError && broker.capabilities.deadLetter) await delivery.deadLetter(delivery.decodeError.message);
        else await delivery.ack();
        settled++;
      });
      await waitUntil(() => settled === 3, 'two poison deliveries and the good one, settled');

      const bad = seen.filter((d) => d.message === undefined);
      expect(bad).toHaveLength(2);
      for (const delivery of bad) expect(TqError.is(delivery.decodeError, 'TQ_MESSAGE_DECODE')).toBe(true);
      expect(bad.map((d) => Buffer.from(d.raw).toString('utf8')).sort()).toEqual([...poisons].sort());
      expect(seen.find((d) => d.message)?.message?.headers.id).toBe(good.headers.id);
      if (broker.capabilities.deadLetter) expect(await broker.deadLetters(queue)).toHaveLength(2);
    },
  );
}
