import { randomUUID } from 'node:crypto';
import type { ResultMeta } from '@tq/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { brokerAvailable, brokerUrl } from '../../harness/index.js';
import { backendOn } from './redis-test-env.js';

const success = (id: string, result: unknown): ResultMeta => ({
  status: 'SUCCESS',
  result,
  traceback: null,
  children: [],
  date_done: '2026-01-01T00:00:00.000000',
  task_id: id,
});

describe.skipIf(!brokerAvailable('redis'))("redis: results reach the caller on its reply channel, and on the key's", () => {
  it("a worker's result is published on the caller's reply channel, prefixed by the task id", async () => {
    const [caller, worker] = [backendOn('redis'), backendOn('redis')];
    const replyTo = randomUUID();
    const subscriber = new Redis(brokerUrl('redis'));
    await Promise.all([caller.connect({ replyTo }), worker.connect({ replyTo: randomUUID() })]);
    const [first, second] = [randomUUID(), randomUUID()];
    try {
      const raw: string[] = [];
      subscriber.on('message', (_channel, message) => raw.push(message));
      await subscriber.subscribe(`_tq.replies.${replyTo}`);
      const heard: unknown[] = [];
      // The first watch subscribes the reply channel; the key's channel covers until it is live.
      const unwatchFirst = await caller.watch(first, (meta) => heard.push(meta.result));
      await worker.set(first, success(first, 1), { replyTo });
      await until(() => heard.length >= 1);
      const unwatchSecond = await caller.watch(second, (meta) => heard.push(meta.result));
      await worker.set(second, success(second, 2), { replyTo });
      await until(() => heard.includes(2) && raw.length === 2);
      expect(raw.map((message) => message.split('\n')[0])).toEqual([first, second]);
      expect(JSON.parse(raw[1]?.split('\n')[1] ?? '{}')).toMatchObject({ status: 'SUCCESS', result: 2, task_id: second });
      await Promise.all([unwatchFirst(), unwatchSecond()]);
    } finally {
      subscriber.disconnect();
      const redis = new Redis(brokerUrl('redis'));
      await redis.del(`celery-task-meta-${first}`, `celery-task-meta-${second}`);
      redis.disconnect();
      await Promise.all([caller.close(), worker.close()]);
    }
  });

  it("a record written the Python way (SET + PUBLISH on the key only) still reaches a tq caller's get", async () => {
    const caller = backendOn('redis');
    const python = new Redis(brokerUrl('redis'));
    await caller.connect({ replyTo: randomUUID() });
    const id = randomUUID();
    try {
      const heard: unknown[] = [];
      const unwatch = await caller.watch(id, (meta) => heard.push(meta.result));
      const json = `{"status": "SUCCESS", "result": 7, "traceback": null, "children": [], "date_done": null, "task_id": "${id}"}`;
      await python.set(`celery-task-meta-${id}`, json);
      await python.publish(`celery-task-meta-${id}`, json);
      await until(() => heard.length === 1);
      expect(heard).toEqual([7]);
      await unwatch();
    } finally {
      await python.del(`celery-task-meta-${id}`);
      python.disconnect();
      await caller.close();
    }
  });
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
