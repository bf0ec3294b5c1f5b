import { randomUUID } from 'node:crypto';
import { createTaskMessage, fromEnvelope } from '@tq/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { brokerAvailable, brokerUrl } from '../../harness/index.js';
import { reportMs } from '../../harness/timing.js';
import { backendOn, brokerOn, deleteQueues } from './redis-test-env.js';

const SEP = '\x06\x16';

describe.skipIf(!brokerAvailable('redis'))('redis: Celery-compatible layout on the wire', () => {
  it('publishes kombu envelopes on kombu lists, tq priority p in bucket 9 - p', async () => {
    const queue = `layout-${randomUUID().slice(0, 8)}`;
    const broker = brokerOn('redis');
    const redis = new Redis(brokerUrl('redis'));
    await broker.connect();
    try {
      const high = createTaskMessage({ task: 'tasks.add', id: randomUUID(), args: [2, 3] });
      const low = createTaskMessage({ task: 'tasks.add', id: randomUUID(), args: [4, 5] });
      await broker.publish(queue, high, { priority: 9 });
      await broker.publish(queue, low); // tq default priority 0
      const [highRaw] = await redis.lrange(queue, 0, -1);
      const [lowRaw] = await redis.lrange(`${queue}${SEP}9`, 0, -1);
      const envelope = JSON.parse(highRaw ?? '{}');
      expect(Object.keys(envelope)).toEqual(['body', 'content-encoding', 'content-type', 'headers', 'properties']);
      expect(envelope.properties).toMatchObject({
        priority: 0,
        body_encoding: 'base64',
        delivery_info: { exchange: '', routing_key: queue },
      });
      expect(JSON.parse(lowRaw ?? '{}').properties.priority).toBe(9);
      expect(fromEnvelope(highRaw ?? '').body[0]).toEqual([2, 3]);
    } finally {
      redis.disconnect();
      await broker.close();
      await deleteQueues('redis', [queue]);
    }
  });

  it('consumes what a Python producer LPUSHes (no doorbell), within the poll interval, as tq priority 9', async (context) => {
    const queue = `layout-${randomUUID().slice(0, 8)}`;
    const broker = brokerOn('redis', { pollIntervalMs: 100 });
    const redis = new Redis(brokerUrl('redis'));
    await broker.connect();
    try {
      const got: { priority: number | undefined; id: string | undefined }[] = [];
      await broker.consume(
        [queue],
        async (delivery) => {
          got.push({ priority: delivery.message?.properties.priority, id: delivery.message?.headers.id });
          await delivery.ack();
        },
        { prefetch: 1 },
      );
      await new Promise((resolve) => setTimeout(resolve, 150));
      // Exactly what kombu writes (spec §1.14): `priority: 0` in bucket 0.
      const id = randomUUID();
      const message = createTaskMessage({ task: 'tasks.add', id, args: [1, 1] });
      const body = Buffer.from(JSON.stringify([[1, 1], {}, { callbacks: null, errbacks: null, chain: null, chord: null }])).toString(
        'base64',
      );
      const envelope = {
        body,
        'content-encoding': 'utf-8',
        'content-type': 'application/json',
        headers: { ...message.headers, lang: 'py' },
        properties: {
          correlation_id: id,
          reply_to: '',
          delivery_mode: 2,
          delivery_info: { exchange: '', routing_key: queue },
          priority: 0,
          body_encoding: 'base64',
          delivery_tag: randomUUID(),
        },
      };
      await redis.lpush(queue, JSON.stringify(envelope));
      const started = performance.now();
      while (got.length === 0 && performance.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 5));
      const pickedUpMs = performance.now() - started;
      expect(got).toEqual([{ priority: 9, id }]);
      await reportMs(context, 'LPUSH → handler (poll interval 100 ms)', pickedUpMs);
      // The 100 ms poll, plus room for a loaded machine.
      expect(pickedUpMs).toBeLessThan(500);
      // A tq worker declares kombu's binding for the queues it consumes (spec §2.2).
      expect(await redis.sismember(`_kombu.binding.${queue}`, `${queue}${SEP}${SEP}${queue}`)).toBe(1);
    } finally {
      redis.disconnect();
      await broker.close();
      await deleteQueues('redis', [queue]);
    }
  });

  it('stores results as Celery does: celery-task-meta-<id>, Python JSON, published on the key', async () => {
    const backend = backendOn('redis');
    const redis = new Redis(brokerUrl('redis'));
    const subscriber = new Redis(brokerUrl('redis'));
    await backend.connect();
    const id = randomUUID();
    try {
      const key = `celery-task-meta-${id}`;
      const heard: string[] = [];
      subscriber.on('message', (_channel, message) => heard.push(message));
      await subscriber.subscribe(key);
      await backend.set(id, {
        status: 'SUCCESS',
        result: 5,
        traceback: null,
        children: [],
        date_done: '2026-01-01T00:00:00.000000',
        task_id: id,
      });
      const stored = await redis.get(key);
      expect(stored).toBe(
        `{"status": "SUCCESS", "result": 5, "traceback": null, "children": [], "date_done": "2026-01-01T00:00:00.000000", "task_id": "${id}"}`,
      );
      expect(await redis.pttl(key)).toBeGreaterThan(86_000_000);
      // A redelivered task must not overwrite its SUCCESS.
      await backend.set(id, { status: 'STARTED', result: null, traceback: null, children: [], date_done: null, task_id: id });
      expect((await backend.get(id))?.status).toBe('SUCCESS');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(heard).toEqual([stored]);
    } finally {
      await redis.del(`celery-task-meta-${id}`);
      redis.disconnect();
      subscriber.disconnect();
      await backend.close();
    }
  });
});
