import { randomUUID } from 'node:crypto';
import { createApp, currentTask, fromEnvelope } from '@tq/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { brokerAvailable, brokerUrl } from '../../harness/index.js';
import { waitUntil } from '../../harness/wait-until.js';
import { backendOn, brokerOn, deleteQueues } from './redis-test-env.js';

/** tq's default priority 0 is kombu's bucket 9: list `<queue>\x06\x169` (docs/transports/redis.md). */
const DEFAULT_BUCKET = '\x06\x169';
/** A worker runs a message this much before its eta at most (core's tolerance for timer jitter). */
const ETA_TOLERANCE_MS = 5;

/** The broker URL with `?delays=eta-header`, as an app configures it for queues Celery workers consume. */
function etaHeaderUrl(): string {
  const url = new URL(brokerUrl('redis'));
  url.searchParams.set('delays', 'eta-header');
  return url.href;
}

describe.skipIf(!brokerAvailable('redis'))("redis: delays 'eta-header' (Celery's way)", () => {
  it('a countdown is on the list at once with its eta header; a tq worker parks it in its sorted set and runs it not before', async () => {
    const queue = `eta-header-${randomUUID().slice(0, 8)}`;
    const keys = { ready: `${queue}${DEFAULT_BUCKET}`, delayed: `_tq.${queue}.delayed` };
    const redis = new Redis(brokerUrl('redis'));
    const producer = createApp({ broker: etaHeaderUrl(), backend: backendOn('redis'), logger: undefined });
    const stamp = producer.task('eta.stamp', { queue }, () => Date.now());
    // The worker's app has the default setting: a tq worker needs none to take such messages.
    const workerApp = createApp({ broker: brokerOn('redis'), backend: backendOn('redis'), logger: undefined });
    workerApp.task('eta.stamp', { queue }, () => Date.now());
    const worker = workerApp.worker({ queues: [queue], concurrency: 2 });
    try {
      // Long enough that the worker below starts, and parks the message, well before it is due.
      const result = await stamp.applyAsync([], { countdownMs: 6000 });

      // Where a Celery worker looks: the list, in kombu's envelope, with the eta; nothing in tq's sorted set.
      const waiting = await redis.lrange(keys.ready, 0, -1);
      expect(waiting).toHaveLength(1);
      const sent = fromEnvelope(waiting[0] ?? '');
      expect(sent.headers.id).toBe(result.id);
      const etaMs = Date.parse(sent.headers.eta ?? '');
      expect(etaMs - Date.now()).toBeGreaterThan(3000);
      expect(await redis.zcard(keys.delayed)).toBe(0);

      // A tq worker takes it early and puts it back into tq's sorted set for the rest of the delay.
      await worker.start();
      await waitUntil(
        async () => {
          if ((await redis.zcard(keys.delayed)) !== 1 || (await redis.llen(keys.ready)) !== 0) throw new Error('not parked yet');
        },
        { what: 'the tq worker to park the early message in its sorted set', timeoutMs: 4000, intervalMs: 20 },
      );
      expect(Date.now()).toBeLessThan(etaMs);

      const ranAt = await result.get({ timeoutMs: 30_000 });
      expect(ranAt).toBeGreaterThanOrEqual(etaMs - ETA_TOLERANCE_MS);
      expect(await redis.zcard(keys.delayed)).toBe(0);
    } finally {
      await worker.close({ timeoutMs: 5000 });
      await Promise.all([producer.close(), workerApp.close()]);
      await deleteQueues('redis', [queue]);
      redis.disconnect();
    }
  });

  it('a retry with a countdown from a worker in this mode runs again after its countdown', async () => {
    const queue = `eta-header-retry-${randomUUID().slice(0, 8)}`;
    const app = createApp({ broker: etaHeaderUrl(), backend: backendOn('redis'), logger: undefined });
    const attempts: number[] = [];
    const flaky = app.task('eta.flaky', { queue }, () => {
      attempts.push(Date.now());
      const task = currentTask();
      if (task.retries === 0) task.retry({ countdownMs: 1000, max: 1 });
      return task.retries;
    });
    const worker = app.worker({ queues: [queue], concurrency: 2 });
    await worker.start();
    try {
      const result = await flaky.delay();
      expect(await result.get({ timeoutMs: 30_000 })).toBe(1);
      expect(attempts).toHaveLength(2);
      expect((attempts[1] ?? 0) - (attempts[0] ?? 0)).toBeGreaterThanOrEqual(1000 - ETA_TOLERANCE_MS);
    } finally {
      await worker.close({ timeoutMs: 5000 });
      await app.close();
      await deleteQueues('redis', [queue]);
    }
  });
});
