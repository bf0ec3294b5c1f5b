import type { Delivery } from '@tq/core';
import { expect } from 'vitest';
import { eventually } from '../support/eventually.js';
import { waitUntil } from '../support/wait-until.js';
import type { ResolvedCapabilities, TaskConformanceConfig } from './task-conformance-config.js';
import { itIf, RESULT_TIMEOUT_MS, TaskKit } from './task-kit.js';

const get = { timeoutMs: RESULT_TIMEOUT_MS };

/**
 * `maxDeliveries`: a message whose worker is lost every time (a crash, an event loop blocked past
 * the visibility timeout) stops re-running at the limit, dead-lettered with the reason and stored
 * as FAILURE; deliberate returns (shutdowns, eta hops, give-backs) never count towards it.
 */
export function deliveryLimitTests(config: TaskConformanceConfig, caps: ResolvedCapabilities): void {
  const itRedelivers = itIf(caps.redelivers, "redelivery of a lost consumer's messages (visibilityTimeout)");
  itRedelivers(
    'a task whose worker is lost maxDeliveries times is dead-lettered with the reason; the caller gets FAILURE',
    async (context) => {
      const kit = await TaskKit.forTest(config, context);
      const maxDeliveries = 2;
      const doomed = kit.task('doomed', { maxDeliveries }, async () => 'ran');
      const r = await doomed.delay();
      // Consumers that take the message and die holding it: the transport's own consumer of another
      // app, without core's runtime, so nothing extends the delivery (as when its process died).
      const transport = (await (await kit.otherApp()).broker()).transport;
      for (let lost = 1; lost <= maxDeliveries; lost++) {
        const held: Delivery[] = [];
        const subscription = await transport.consume(
          [kit.queue],
          async (delivery) => {
            held.push(delivery);
            await new Promise<never>(() => {});
          },
          { prefetch: 1 },
        );
        await waitUntil(() => held.length === 1, `delivery ${lost}`, RESULT_TIMEOUT_MS);
        expect(held[0]?.deliveryCount).toBe(lost);
        await subscription.close();
      }

      const worker = await kit.worker();
      const events = kit.record(worker);
      const reason = `delivered ${maxDeliveries} times without finishing (worker lost each time)`;
      await expect(r.get(get)).rejects.toMatchObject({ message: expect.stringContaining(reason) });
      expect(await r.state()).toBe('FAILURE');
      await waitUntil(() => events.some((e) => e.type === 'task-rejected' && e.id === r.id), 'the task-rejected event');
      expect(events.some((e) => e.type === 'task-started')).toBe(false);
      if (caps.deadLetter) {
        const broker = await kit.app.broker();
        const read = () => broker.deadLetters?.(kit.queue) ?? Promise.resolve([]);
        const letters = await eventually(read, (all) => all.length >= 1, 'the dead letter', RESULT_TIMEOUT_MS);
        expect(letters.map((letter) => letter.reason)).toEqual([reason]);
      }
    },
  );

  const itKeepsCount = itIf(caps.requeueKeepsCount, 'requeue that keeps the delivery count (requeueCountsAsDelivery)');
  itKeepsCount('returns on shutdown do not count: given back more times than maxDeliveries, the task still runs', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const maxDeliveries = 1;
    const shutdowns = maxDeliveries + 3;
    let calls = 0;
    const stubborn = kit.task('given-back', { maxDeliveries }, async () => {
      calls++;
      // Only a shutdown ends these attempts: the worker returns the message to the broker.
      if (calls <= shutdowns) await new Promise<never>(() => {});
      return calls;
    });
    const r = await stubborn.delay();
    for (let round = 1; round <= shutdowns; round++) {
      const worker = await kit.worker({ hostname: `round${round}-${kit.queue}` });
      const events = kit.record(worker);
      await waitUntil(() => events.some((e) => e.type === 'task-started'), `start ${round}`, RESULT_TIMEOUT_MS);
      await worker.close({ timeoutMs: 0 });
      expect(await r.state()).toBe('PENDING');
    }
    await kit.worker({ hostname: `last-${kit.queue}` });
    expect(await r.get(get)).toBe(shutdowns + 1);
  });
}
