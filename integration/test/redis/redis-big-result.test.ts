import { randomUUID } from 'node:crypto';
import { createApp } from '@tq/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { brokerAvailable, brokerUrl } from '../../harness/index.js';
import { backendOn, brokerOn, deleteQueues } from './redis-test-env.js';

/** Redis's default limits for pub/sub subscribers: dropped past 32 MiB, or past 8 MiB for 60 s. */
const DEFAULT_PUBSUB_LIMIT = 'pubsub 33554432 8388608 60';
const TEN_MIB = 10 * 1024 * 1024;

describe.skipIf(!brokerAvailable('redis'))('redis: a big result reaches get() pushed, not by the safety re-read', () => {
  it('a 10 MiB result (record with its 10 MiB argument) is returned well within the 5 s safety re-read', async () => {
    const admin = new Redis(brokerUrl('redis'));
    const listener = new Redis(brokerUrl('redis'));
    // The server's defaults, stated here so the test means the same on any Redis it is pointed at.
    await admin.config('SET', 'client-output-buffer-limit', DEFAULT_PUBSUB_LIMIT);
    const queue = `big-result-${randomUUID().slice(0, 8)}`;
    // resultExtended: the record carries the 10 MiB argument too (over 20 MiB, past the 8 MiB soft limit).
    const workerApp = createApp({ broker: brokerOn('redis'), backend: backendOn('redis'), logger: undefined, resultExtended: true });
    workerApp.task('big.echo', async (text: string) => `${text}!`);
    const worker = workerApp.worker({ queues: [queue], concurrency: 1, maxResultBytes: 3 * TEN_MIB });
    await worker.start();
    const producerApp = createApp({ broker: brokerOn('redis'), backend: backendOn('redis'), logger: undefined });
    const echo = producerApp.task('big.echo', async (_text: string) => '');
    let id: string | undefined;
    try {
      await producerApp.connect();
      // A get() before this one subscribes the app's reply channel, as in a running app.
      const warm = await echo.applyAsync(['warm'], { queue });
      expect(await warm.get({ timeoutMs: 10_000 })).toBe('warm!');
      // Listening as a Python client does (the key's channel), and on the app's reply channel.
      id = randomUUID();
      const key = `celery-task-meta-${id}`;
      const replies = `_tq.replies.${producerApp.replyTo}`;
      const heard: { channel: string; bytes: number }[] = [];
      listener.on('messageBuffer', (channel: Buffer, message: Buffer) =>
        heard.push({ channel: channel.toString(), bytes: message.length }),
      );
      await listener.subscribe(key, replies);
      const big = 'x'.repeat(TEN_MIB);
      const result = await echo.applyAsync([big], { queue, taskId: id });
      const started = performance.now();
      // Under the 5 s safety re-read: only a pushed record (or a read it triggers) can answer this.
      const value = await result.get({ timeoutMs: 4000 });
      const tookMs = performance.now() - started;
      expect(value?.length).toBe(TEN_MIB + 1);
      expect(tookMs).toBeLessThan(4000);
      // Published once, on Celery's channel, in full: a Python caller gets it as before. A marker
      // published now arrives after everything the worker's write published.
      await admin.publish(replies, 'marker');
      await until(() => heard.some((message) => message.bytes === 'marker'.length));
      expect(heard.map((message) => message.channel)).toEqual([key, replies]);
      expect(heard[0]?.bytes).toBeGreaterThan(2 * TEN_MIB);
    } finally {
      await worker.close({ timeoutMs: 1000 });
      await Promise.all([workerApp.close(), producerApp.close()]);
      await deleteQueues('redis', [queue]);
      if (id) await admin.del(`celery-task-meta-${id}`);
      admin.disconnect();
      listener.disconnect();
    }
  }, 60_000);
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
