import type { Delivery } from '@tq/core';
import { expect } from 'vitest';
import { sampleMessage } from '../support/sample-message.js';
import { testIf } from '../support/test-if.js';
import { LOADED_MACHINE_SLACK_MS, reportMs } from '../support/timing.js';
import { waitUntil } from '../support/wait-until.js';
import type { BrokerConformanceConfig } from './broker-conformance-config.js';
import { BrokerKit } from './broker-kit.js';

/** Brokers that keep their due times on their own clock may round to the ms; allow that much earliness. */
const CLOCK_SLACK_MS = 5;

/** When and in what order: delays, delayed nacks, priorities. */
export function schedulingTests(config: BrokerConformanceConfig): void {
  const caps = config.capabilities;
  const withDelay = testIf(caps.delay !== false, 'capabilities.delay');
  // The transport's own lateness, plus what a loaded test machine adds to any arrival.
  const toleranceMs = (config.delayToleranceMs ?? 50) + LOADED_MACHINE_SLACK_MS;

  withDelay(`delayed messages arrive on time: never early, at most ${toleranceMs} ms late`, async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    const arrivals = new Map<string, number>();
    await kit.consume(
      broker,
      [queue],
      async (delivery) => {
        arrivals.set(delivery.message?.headers.id ?? '?', performance.now());
        await delivery.ack();
      },
      10,
    );
    const delays = [300, 100, 200];
    const expected = new Map<string, number>();
    for (const delayMs of delays) {
      const message = sampleMessage({ args: [delayMs] });
      expected.set(message.headers.id, performance.now() + delayMs);
      await broker.publish(queue, message, { delayMs });
    }
    await waitUntil(() => arrivals.size === delays.length, 'the delayed deliveries', 5000);
    const lateness = [...expected].map(([id, due]) => (arrivals.get(id) ?? Number.NaN) - due);
    await reportMs(context, 'lateness', lateness);
    for (const ms of lateness) {
      expect(ms).toBeGreaterThanOrEqual(-CLOCK_SLACK_MS);
      expect(ms).toBeLessThanOrEqual(toleranceMs);
    }
  });

  withDelay('nack({ delayMs }) redelivers after the delay, not before, with the same deliveryCount', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    await broker.publish(queue, sampleMessage());
    const seen: { delivery: Delivery; at: number }[] = [];
    await kit.consume(broker, [queue], async (delivery) => {
      seen.push({ delivery, at: performance.now() });
      if (seen.length === 1) await delivery.nack({ delayMs: 200 });
      else await delivery.ack();
    });
    await waitUntil(() => seen.length === 2, 'the delayed redelivery');
    const [first, second] = seen as [(typeof seen)[0], (typeof seen)[0]];
    await reportMs(context, 'nack → redelivery', second.at - first.at);
    expect(second.at - first.at).toBeGreaterThanOrEqual(200 - CLOCK_SLACK_MS);
    expect(second.at - first.at).toBeLessThanOrEqual(200 + toleranceMs);
    // A deliberate return (an eta hop, a retry backoff) keeps the count.
    expect(second.delivery.deliveryCount).toBe(1);
  });

  const levels = caps.priority === false ? 0 : caps.priority.levels;
  testIf(levels > 0, 'capabilities.priority')('priorities: higher runs first, FIFO within a level', async (context) => {
    const kit = BrokerKit.forTest(config, context);
    const broker = await kit.broker();
    const queue = kit.queue();
    // Two messages per level, published interleaved and low-first so arrival order cannot pass by luck.
    const published: { id: string; priority: number }[] = [];
    for (let round = 0; round < 2; round++) {
      for (let priority = 0; priority < levels; priority++) {
        const message = sampleMessage({ priority, args: [round] });
        published.push({ id: message.headers.id, priority });
        await broker.publish(queue, message, { priority });
      }
    }
    const received = await kit.collect(broker, [queue]);
    await waitUntil(() => received.length === published.length, 'every message');
    const expected = [...published].sort((a, b) => b.priority - a.priority).map((m) => m.id);
    expect(received.map((d) => d.message?.headers.id)).toEqual(expected);
  });
}
