import { currentTask, TqError } from '@tq/core';
import { expect } from 'vitest';
import { reportMs } from '../support/timing.js';
import { waitUntil } from '../support/wait-until.js';
import type { TaskConformanceConfig } from './task-conformance-config.js';
import { RESULT_TIMEOUT_MS, TaskKit, test } from './task-kit.js';

/** Warm shutdown: `worker.close()` with tasks in flight loses none of them. */
export function shutdownTests(config: TaskConformanceConfig): void {
  test('close(): running tasks finish within the timeout; not-started ones go back and a new worker runs them', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    // Started tasks wait at a gate opened only once close() began, so exactly two are running then.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const slow = kit.task('slow', async (n: number) => {
      await gate;
      return n;
    });
    const first = await kit.worker({ concurrency: 2, prefetchMultiplier: 2, hostname: `first-${kit.queue}` });
    const events = kit.record(first);
    const results = [];
    for (let n = 0; n < 5; n++) results.push(await slow.delay(n));
    await waitUntil(() => events.filter((e) => e.type === 'task-started').length >= 2, 'two tasks to start');
    const startedIds = events.filter((e) => e.type === 'task-started').map((e) => e.id);

    const closed = first.close({ timeoutMs: 3000 });
    open();
    await closed;
    // Both running tasks finished (and stored SUCCESS) before close() returned...
    for (const r of results.filter((r) => startedIds.includes(r.id))) {
      expect(await r.state()).toBe('SUCCESS');
      await waitUntil(() => events.some((e) => e.type === 'task-succeeded' && e.id === r.id), 'task-succeeded on the first worker');
    }
    // ...and nothing else started on the closing worker.
    expect(events.filter((e) => e.type === 'task-started')).toHaveLength(2);
    for (const r of results.filter((r) => !startedIds.includes(r.id))) expect(await r.state()).toBe('PENDING');

    const second = await kit.worker({ hostname: `second-${kit.queue}` });
    expect(await Promise.all(results.map((r) => r.get({ timeoutMs: RESULT_TIMEOUT_MS })))).toEqual([0, 1, 2, 3, 4]);
    // task-succeeded is emitted once the result is stored: it may come just after get() resolved.
    const ranOnSecond = (id: string) => kit.record(second).some((e) => e.type === 'task-succeeded' && e.id === id);
    for (const r of results.filter((r) => !startedIds.includes(r.id)))
      await waitUntil(() => ranOnSecond(r.id), 'the second worker to run it');
  });

  test('close() past its timeout aborts the running attempt and returns it: another worker runs it again', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    let calls = 0;
    let firstReason: unknown;
    const stubborn = kit.task('stubborn', async () => {
      calls++;
      if (calls === 1) {
        const { signal } = currentTask();
        signal.addEventListener('abort', () => {
          firstReason = signal.reason;
        });
        // Never finishes by itself: only the shutdown ends this attempt.
        await new Promise<never>(() => {});
      }
      return `finished on call ${calls}`;
    });
    const first = await kit.worker({ hostname: `first-${kit.queue}` });
    const events = kit.record(first);
    const r = await stubborn.delay();
    await waitUntil(() => events.some((e) => e.type === 'task-started'), 'the task to start');

    const closing = Date.now();
    await first.close({ timeoutMs: 100 });
    // What counts is that close() returns although the task never will; how soon depends on the
    // transport and the machine, so the figure is reported and the bound only means "not hung".
    const closeMs = Date.now() - closing;
    await reportMs(context, 'close({ timeoutMs: 100 })', closeMs);
    expect(closeMs).toBeLessThan(RESULT_TIMEOUT_MS);
    expect(TqError.is(firstReason, 'TQ_WORKER_SHUTDOWN')).toBe(true);
    // Not failed, not succeeded: it went back to the broker.
    expect(await r.state()).toBe('PENDING');

    const second = await kit.worker({ hostname: `second-${kit.queue}` });
    expect(await r.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe('finished on call 2');
    await waitUntil(() => kit.record(second).some((e) => e.type === 'task-succeeded' && e.id === r.id), 'the second worker to run it');
  });
}
