import { setTimeout as sleep } from 'node:timers/promises';
import { createApp, MemoryResultBackend, TqError } from '@tq/core';
import type { SqsBroker } from '@tq/sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteQueues, testBroker } from './sqs-test-support.js';

const RESULTS = 15_000;
const used: { queue: string; fifo: boolean }[] = [];
afterEach(async () => {
  for (const { queue, fifo } of used.splice(0)) await deleteQueues([queue], { fifo });
});

function fifoApp(name: string) {
  return createApp({ broker: testBroker({ fifo: true, visibilityTimeoutMs: 10_000 }), backend: new MemoryResultBackend({ name }) });
}

describe('sqs FIFO queues', () => {
  it('tasks with one orderingKey run one after another in publish order, across competing workers; keys run in parallel', async () => {
    const queue = `tq-fifo-order-${Date.now()}`;
    used.push({ queue, fifo: true });
    const apps = [fifoApp('fifo-order'), fifoApp('fifo-order')];
    const runs: { key: string; n: number; start: number; end: number }[] = [];
    const running = new Map<string, number>();
    let overlapWithinKey = false;
    for (const app of apps) {
      app.task('step', { queue }, async (key: string, n: number) => {
        running.set(key, (running.get(key) ?? 0) + 1);
        if ((running.get(key) ?? 0) > 1) overlapWithinKey = true;
        const start = performance.now();
        await sleep(5 + ((n * 7) % 13)); // uneven durations: order must not come from timing luck
        runs.push({ key, n, start, end: performance.now() });
        running.set(key, (running.get(key) ?? 1) - 1);
        return n;
      });
    }
    const [producer] = apps as [ReturnType<typeof fifoApp>];
    const step = producer.getTask('step');
    const keys = ['alpha', 'beta', 'gamma'];
    const perKey = 12;
    // Interleaved, concurrently published: the batcher packs them, order within each key preserved.
    const sent = await Promise.all(
      Array.from({ length: perKey }, (_, n) => keys.map((key) => step?.applyAsync([key, n], { orderingKey: key }))).flat(),
    );
    const workers = apps.map((app, i) => app.worker({ queues: [queue], concurrency: 6, hostname: `fifo-${i}` }));
    await Promise.all(workers.map((w) => w.start()));
    await Promise.all(sent.map((r) => r?.get({ timeoutMs: RESULTS })));
    for (const key of keys) {
      expect(runs.filter((r) => r.key === key).map((r) => r.n)).toEqual(Array.from({ length: perKey }, (_, n) => n));
    }
    expect(overlapWithinKey).toBe(false);
    // Different keys did overlap in time: ordering is per key, not a global lock.
    const overlapping = runs.some((a) => runs.some((b) => a.key !== b.key && a.start < b.end && b.start < a.end));
    expect(overlapping).toBe(true);
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(apps.map((a) => a.close()));
  }, 60_000);

  it('a requeued message keeps its place: the rest of its group waits for it', async () => {
    const queue = `tq-fifo-requeue-${Date.now()}`;
    used.push({ queue, fifo: true });
    const broker = testBroker({ fifo: true, visibilityTimeoutMs: 10_000 });
    await broker.connect();
    const app = createApp({ broker, backend: new MemoryResultBackend({ name: 'fifo-requeue' }) });
    const order: string[] = [];
    const item = app.task('item', { queue }, async (n: number) => n);
    for (let n = 0; n < 5; n++) await item.applyAsync([n], { orderingKey: 'k' });
    let nacked = false;
    const subscription = await broker.consume(
      [queue],
      async (delivery) => {
        const n = String(delivery.message?.body[0]?.[0]);
        order.push(n);
        if (n === '2' && !nacked) {
          nacked = true;
          await delivery.nack();
          return;
        }
        await delivery.ack();
      },
      { prefetch: 10 },
    );
    await expect.poll(() => order.length, { timeout: RESULTS }).toBe(6);
    expect(order).toEqual(['0', '1', '2', '2', '3', '4']);
    await subscription.close();
    await app.close();
  }, 30_000);

  it('the task id deduplicates: the same message published twice runs once; a retry is a new message', async () => {
    const queue = `tq-fifo-dedup-${Date.now()}`;
    used.push({ queue, fifo: true });
    const app = fifoApp('fifo-dedup');
    let runs = 0;
    const once = app.task('once', { queue }, async () => ++runs);
    let attempts = 0;
    const flaky = app.task('flaky', { queue, retry: { max: 3, baseMs: 0 } }, async () => {
      attempts++;
      if (attempts < 3) throw new Error('again');
      return attempts;
    });
    const broker = await app.broker();
    const r = await once.applyAsync([], { taskId: `dedup-${Date.now()}` });
    // What a producer retrying a timed-out publish does: the same message again.
    const { createTaskMessage } = await import('@tq/core');
    await broker.publish(queue, createTaskMessage({ task: 'once', id: r.id }));
    const worker = app.worker({ queues: [queue], concurrency: 2 });
    await worker.start();
    expect(await r.get({ timeoutMs: RESULTS })).toBe(1);
    expect(await (await flaky.delay()).get({ timeoutMs: RESULTS })).toBe(3);
    await sleep(1500);
    expect(runs).toBe(1);
    await worker.close();
    await app.close();
  }, 30_000);

  it('declares what FIFO cannot do: no per-message delay; standard queues refuse orderingKey', async () => {
    const fifoQueue = `tq-fifo-caps-${Date.now()}`;
    const standardQueue = `tq-std-caps-${Date.now()}`;
    used.push({ queue: fifoQueue, fifo: true }, { queue: standardQueue, fifo: false });
    const fifo = fifoApp('fifo-caps');
    const standard = createApp({ broker: testBroker(), backend: new MemoryResultBackend({ name: 'fifo-caps' }) });
    expect((await fifo.broker()).capabilities).toMatchObject({
      delay: false,
      ordering: 'per-key',
      broadcast: true,
      events: true,
      priority: false,
    });
    expect((await standard.broker()).capabilities).toMatchObject({ delay: { maxDelayMs: 900_000, emulated: false }, ordering: 'none' });
    const later = fifo.task('later', { queue: fifoQueue }, async () => 1);
    await expect(later.applyAsync([], { countdownMs: 1000 })).rejects.toSatisfy((e) => TqError.is(e, 'TQ_UNSUPPORTED_CAPABILITY'));
    const keyed = standard.task('keyed', { queue: standardQueue }, async () => 1);
    await expect(keyed.applyAsync([], { orderingKey: 'k' })).rejects.toSatisfy((e) => TqError.is(e, 'TQ_UNSUPPORTED_CAPABILITY'));
    // The FIFO broker's queue is the .fifo one Celery would name itself.
    expect(((await fifo.broker()).transport as SqsBroker).sqsQueueName('celery')).toBe('celery.fifo');
    await Promise.all([fifo.close(), standard.close()]);
  });
});
