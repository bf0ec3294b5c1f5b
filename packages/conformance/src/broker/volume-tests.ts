import { setTimeout as sleep } from 'node:timers/promises';
import type { Broker, OutgoingMessage } from '@tq/core';
import { expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { sampleMessage } from '../support/sample-message.js';
import { testIf } from '../support/test-if.js';
import { waitUntil } from '../support/wait-until.js';
import type { BrokerConformanceConfig } from './broker-conformance-config.js';
import { BrokerKit } from './broker-kit.js';

/** Messages per `publishBatch` call when filling a queue. */
const BATCH = 100;

/** Generous bound for a whole run at scale on a loaded 2-core machine; the real figure is reported. */
const SCALE_TIMEOUT_MS = 120_000;

/** Publishes `count` messages to `queue` in batches; returns their ids. */
async function fill(broker: Broker, queue: string, count: number): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let start = 0; start < count; start += BATCH) {
    const batch: OutgoingMessage[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const message = sampleMessage({ args: [i] });
      ids.add(message.headers.id);
      batch.push({ queue, message });
    }
    await broker.publishBatch(batch);
  }
  return ids;
}

/** At-least-once at volume: thousands of messages, dozens of consumers, a consumer dying loaded. */
export function volumeTests(config: BrokerConformanceConfig): void {
  const { messages, consumers } = config.volume;

  it(
    `${messages} messages over ${consumers} competing consumers: every one delivered and settled; a repeat says it is a redelivery`,
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      const queue = kit.queue('volume');
      const brokers = await Promise.all(Array.from({ length: consumers }, () => kit.broker()));
      const acked = new Set<string>();
      const repeats: { id: string; deliveryCount: number }[] = [];
      const perConsumer = brokers.map(() => 0);
      const started = performance.now();
      await Promise.all(
        brokers.map((broker, n) =>
          kit.consume(
            broker,
            [queue],
            async (delivery) => {
              const id = delivery.message?.headers.id ?? '?';
              if (acked.has(id)) repeats.push({ id, deliveryCount: delivery.deliveryCount });
              perConsumer[n] = (perConsumer[n] ?? 0) + 1;
              await delivery.ack();
              acked.add(id);
            },
            10,
          ),
        ),
      );
      const ids = await fill(brokers[0] as Broker, queue, messages);
      await waitUntil(() => acked.size >= messages, `all ${messages} messages acked`, SCALE_TIMEOUT_MS);
      const seconds = (performance.now() - started) / 1000;
      await context.annotate(
        `${messages} messages in ${seconds.toFixed(1)} s (${(messages / seconds).toFixed(0)}/s); ` +
          `${perConsumer.filter((n) => n > 0).length} of ${consumers} consumers got work; ${repeats.length} redelivered`,
      );
      expect(acked).toEqual(ids);
      // At-least-once allows a repeat, but only as a redelivery (the ack of the first was lost).
      for (const repeat of repeats) expect(repeat.deliveryCount).toBeGreaterThan(1);
      await eventually(
        () => (brokers[0] as Broker).size(queue),
        (size) => size === 0,
        'an empty queue',
        10_000,
      );
    },
    SCALE_TIMEOUT_MS + 30_000,
  );

  testIf(config.capabilities.visibilityTimeout, 'capabilities.visibilityTimeout')(
    'a consumer that dies holding many deliveries loses none: the others get every message, the held ones as redeliveries',
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      const queue = kit.queue('dies-loaded');
      const total = Math.min(messages, 500);
      // Bare: a live runtime would keep extending what it holds; a dead process extends nothing.
      const dying = await kit.bare();
      const ids = await fill(dying, queue, total);
      const held = new Set<string>();
      const subscription = await kit.consume(
        dying,
        [queue],
        async (delivery) => {
          held.add(delivery.message?.headers.id ?? '?');
          await new Promise<never>(() => {}); // never settles: the worker hung, then died
        },
        50,
      );
      await waitUntil(() => held.size > 0, 'the dying consumer to take deliveries');
      await sleep(200); // let it fill up to its prefetch
      await subscription.close();

      const survivors = await Promise.all(Array.from({ length: 4 }, () => kit.broker()));
      const seen = new Map<string, number>();
      await Promise.all(
        survivors.map((broker) =>
          kit.consume(
            broker,
            [queue],
            async (delivery) => {
              const id = delivery.message?.headers.id ?? '?';
              seen.set(id, Math.max(seen.get(id) ?? 0, delivery.deliveryCount));
              await delivery.ack();
            },
            10,
          ),
        ),
      );
      await waitUntil(() => seen.size >= total, `all ${total} messages`, kit.visibilityTimeoutMs + 60_000);
      await context.annotate(`the dying consumer held ${held.size} deliveries`);
      expect(new Set(seen.keys())).toEqual(ids);
      for (const id of held) expect(seen.get(id)).toBeGreaterThanOrEqual(2);
    },
    SCALE_TIMEOUT_MS,
  );
}
