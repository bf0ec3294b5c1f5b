import { randomUUID } from 'node:crypto';
import { type Broker, createApp, createTaskMessage, type SignatureJson } from '@tq/core';
import { RedisResultBackend } from '@tq/redis';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { waitUntil } from '../../harness/wait-until.js';

/** What {@link pythonOrderChord} runs on. */
export interface PythonOrderChordSetup {
  /** A new, unconnected broker for the worker app (it also publishes the members, as Python would). */
  broker(): Broker;
  /** The Redis the results and chord keys live in (a single node: the keys are read raw). */
  redisUrl: string;
  /** Header members; all but the last finish before the size key is written. */
  members: number;
  /** Delete what the broker declared for `queue`. */
  deleteQueue(queue: string): Promise<void>;
}

/**
 * A chord sent the way Python's Celery sends it (spec §1.7): the header members are published
 * first, with `group`/`group_index` headers and the body in `embed.chord`; the size key `.s` is
 * written (a raw SET, as `set_chord_size` does) only just before the LAST member is published.
 * Here every other member has finished and recorded its part by then, the worst case of that race.
 * Checks that the body runs exactly once with every result in header order, and that the chord's
 * keys end as Celery 5.7 leaves them.
 */
export async function pythonOrderChord(setup: PythonOrderChordSetup): Promise<void> {
  const queue = `py-chord-${randomUUID().slice(0, 8)}`;
  const groupId = randomUUID();
  const bodyId = randomUUID();
  const key = `celery-taskset-meta-${groupId}`;
  const redis = new Redis(setup.redisUrl);
  const app = createApp({ broker: setup.broker(), backend: new RedisResultBackend({ url: setup.redisUrl }), defaultQueue: queue });
  const bodyRuns: number[][] = [];
  app.task('py.chord.double', (x: number) => x * 2);
  app.task('py.chord.total', (values: number[]) => {
    bodyRuns.push(values);
    return values.reduce((a, b) => a + b, 0);
  });
  const worker = app.worker({ queues: [queue], concurrency: 20 });
  const memberIds = Array.from({ length: setup.members }, () => randomUUID());
  try {
    await worker.start();
    const broker = await app.broker();
    const body: SignatureJson = {
      task: 'py.chord.total',
      args: [],
      kwargs: {},
      options: { task_id: bodyId, group_id: groupId },
      subtask_type: null,
      immutable: false,
    };
    const member = (index: number) =>
      createTaskMessage({
        task: 'py.chord.double',
        id: memberIds[index] as string,
        args: [index],
        group: groupId,
        groupIndex: index,
        embed: { chord: body },
      });
    const last = setup.members - 1;
    for (let start = 0; start < last; start += 500) {
      const batch = Array.from({ length: Math.min(500, last - start) }, (_, i) => member(start + i));
      await Promise.all(batch.map((message) => broker.publish(queue, message)));
    }
    // Every member but the last finished and recorded its part while no size key existed.
    await waitUntil(
      async () => {
        const recorded = await redis.zcard(`${key}.j`);
        if (recorded !== last) throw new Error(`${recorded} of ${last} parts recorded`);
      },
      { what: `${last} chord parts recorded before the size key exists`, timeoutMs: 120_000, intervalMs: 50 },
    );
    expect(await redis.exists(`${key}.s`)).toBe(0);
    expect(bodyRuns).toEqual([]);

    // Celery 5.7's set_chord_size: the claim deleted, the size set; then the last member is sent.
    await redis.del(`${key}.c`);
    await redis.set(`${key}.s`, setup.members, 'EX', 86_400);
    await broker.publish(queue, member(last));

    const expected = Array.from({ length: setup.members }, (_, index) => index * 2);
    const total = await app.asyncResult<number>(bodyId).get({ timeoutMs: 60_000 });
    expect(total).toBe(expected.reduce((a, b) => a + b, 0));
    // Drained: a second body would have been sent by now and run, or be waiting in the queue.
    await waitUntil(
      async () => {
        if ((await broker.size(queue)) > 0 || worker.active().length > 0) throw new Error('still working');
      },
      { what: 'the queue drained', timeoutMs: 30_000, intervalMs: 50 },
    );
    expect(bodyRuns).toHaveLength(1);
    expect(bodyRuns[0]).toEqual(expected);
    // No member was stored as failed, and the chord ended as Celery 5.7 ends one.
    const states = new Set<string>();
    for (let start = 0; start < memberIds.length; start += 500) {
      const records = await redis.mget(memberIds.slice(start, start + 500).map((id) => `celery-task-meta-${id}`));
      for (const record of records) states.add(record === null ? 'missing' : (JSON.parse(record) as { status: string }).status);
    }
    expect([...states]).toEqual(['SUCCESS']);
    expect(await redis.get(`${key}.c`)).toBe('done');
    expect(await redis.exists(`${key}.j`, `${key}.s`, `${key}.d`, `${key}.t`)).toBe(0);
  } finally {
    await worker.close({ timeoutMs: 5000 });
    await app.close();
    await setup.deleteQueue(queue);
    const ids = [...memberIds, bodyId];
    for (let start = 0; start < ids.length; start += 500) {
      await redis.del(...ids.slice(start, start + 500).map((id) => `celery-task-meta-${id}`));
    }
    await redis.del(`${key}.c`, `${key}.j`, `${key}.s`, `${key}.d`);
    redis.disconnect();
  }
}
