import { createApp } from '@tq/core';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerRestartable, restartBroker } from '../../harness/index.js';
import { deleteQueues, testBroker, uniqueQueue } from './kafka-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Only when the harness started Kafka itself (a KAFKA_BROKERS from outside cannot be bounced).
describe('kafka: the broker restarts under a running worker', () => {
  it.skipIf(!brokerRestartable('kafka'))(
    'every task sent before, during and after a Kafka restart runs; the worker resumes by itself',
    async () => {
      const queue = uniqueQueue('restart');
      const app = createApp({ broker: testBroker(), defaultQueue: queue });
      const ran = new Set<number>();
      const task = app.task('kafka.restart', { queue }, async (i: number) => {
        ran.add(i);
        await new Promise((resolve) => setTimeout(resolve, 5));
      });
      const worker = app.worker({ queues: [queue], concurrency: 4 });
      cleanups.push(async () => {
        await worker.close();
        await app.close();
        await deleteQueues([queue]);
      });
      await worker.start();
      for (let i = 0; i < 200; i++) await task.applyAsync([i], { orderingKey: `k${i % 7}` });
      await waitFor(() => ran.size >= 50, 'some work before the restart', 20_000);
      await restartBroker('kafka');
      for (let i = 200; i < 300; i++) await task.applyAsync([i], { orderingKey: `k${i % 7}` });
      await waitFor(() => ran.size === 300, 'all 300 tasks', 90_000);
      expect([...ran].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    },
    180_000,
  );
});
