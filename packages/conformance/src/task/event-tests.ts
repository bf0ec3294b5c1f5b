import { setTimeout as sleep } from 'node:timers/promises';
import { currentTask } from '@tq/core';
import { expect } from 'vitest';
import { waitUntil } from '../support/wait-until.js';
import type { TaskConformanceConfig } from './task-conformance-config.js';
import { RESULT_TIMEOUT_MS, TaskKit, test } from './task-kit.js';

/** The worker's task events, in Celery's order, with what each one carries. */
export function eventTests(config: TaskConformanceConfig): void {
  test('worker events: received, started, succeeded, failed, retried, revoked', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const add = kit.task('add', async (x: number, y: number) => x + y);
    const boom = kit.task('boom', async () => {
      throw new TypeError('kaboom');
    });
    const again = kit.task('again', async () => {
      // No countdown: an immediate retry needs no broker delay.
      if (currentTask().retries === 0) currentTask().retry();
      return 'second time';
    });
    const expired = await add.applyAsync([0, 0], { expires: 20 });
    await sleep(60);
    const worker = await kit.worker({ concurrency: 1 });
    const events = kit.record(worker);
    const get = { timeoutMs: RESULT_TIMEOUT_MS };

    const ok = await add.delay(1, 2);
    await ok.get(get);
    const failed = await boom.delay();
    await failed.get(get).catch(() => undefined);
    const retried = await again.delay();
    await retried.get(get);
    await expired.get(get).catch(() => undefined);
    await waitUntil(() => events.filter((e) => e.type === 'task-succeeded').length === 2, 'every event');

    const typesOf = (id: string) => events.filter((e) => e.id === id).map((e) => e.type);
    expect(typesOf(ok.id)).toEqual(['task-received', 'task-started', 'task-succeeded']);
    expect(typesOf(failed.id)).toEqual(['task-received', 'task-started', 'task-failed']);
    // The retry is sent before `task-retried` is emitted (Celery's order): its receipt may come first.
    const retriedTypes = typesOf(retried.id);
    expect(retriedTypes.slice(0, 2)).toEqual(['task-received', 'task-started']);
    expect(retriedTypes.at(-1)).toBe('task-succeeded');
    expect([...retriedTypes].sort()).toEqual(
      ['task-received', 'task-received', 'task-retried', 'task-started', 'task-started', 'task-succeeded'].sort(),
    );
    // An expired task is never received (spec §5.2): only revoked.
    expect(typesOf(expired.id)).toEqual(['task-revoked']);

    const one = (id: string, type: string) => events.find((e) => e.id === id && e.type === type)?.payload;
    const base = { hostname: worker.hostname, timestamp: expect.any(Number) };
    expect(one(ok.id, 'task-received')).toMatchObject({ ...base, name: 'add', args: [1, 2], retries: 0, eta: null });
    expect(one(ok.id, 'task-started')).toMatchObject({ ...base, name: 'add' });
    expect(one(ok.id, 'task-succeeded')).toMatchObject({ ...base, result: 3, runtimeMs: expect.any(Number) });
    expect(one(failed.id, 'task-failed')).toMatchObject({ ...base, name: 'boom', error: expect.objectContaining({ message: 'kaboom' }) });
    expect(one(retried.id, 'task-retried')).toMatchObject({ ...base, name: 'again', retries: 1, delayMs: 0 });
    expect(one(expired.id, 'task-revoked')).toMatchObject({ ...base, name: 'add', reason: 'expired' });
  });
}
