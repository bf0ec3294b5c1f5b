import { setTimeout as sleep } from 'node:timers/promises';
import { currentTask, RemoteTaskError, TaskRevokedError, TqError } from '@tq/core';
import { expect } from 'vitest';
import { deferred } from '../support/deferred.js';
import { reportMs } from '../support/timing.js';
import { waitUntil } from '../support/wait-until.js';
import type { ResolvedCapabilities, TaskConformanceConfig } from './task-conformance-config.js';
import { itIf, RESULT_TIMEOUT_MS, TaskKit, test } from './task-kit.js';

/** Hard and soft time limits, revoke before start, revoke with terminate. */
export function limitTests(config: TaskConformanceConfig, caps: ResolvedCapabilities): void {
  test('hard time limit: the attempt fails with TimeLimitExceeded and the worker runs the next task', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const stuck = kit.task('stuck', { timeLimitMs: 100 }, async () => {
      // Ignores its signal and never finishes on purpose: the worker must move on without the
      // task's help. (So no clock has to tell the limit from the task ending by itself.)
      await new Promise<never>(() => {});
    });
    const add = kit.task('add', async (x: number, y: number) => x + y);
    await kit.worker({ concurrency: 1 });
    const started = Date.now();
    const r = await stuck.delay();
    const error = await r.get({ timeoutMs: RESULT_TIMEOUT_MS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteTaskError);
    expect((error as RemoteTaskError).remoteType).toBe('TimeLimitExceeded');
    await reportMs(context, 'send → TimeLimitExceeded (limit 100 ms)', Date.now() - started);
    // Concurrency 1: this runs only because the stuck attempt gave its slot back.
    expect(await (await add.delay(1, 2)).get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(3);
  });

  test('a per-call timeLimitMs overrides the task: the call fails, an unlimited call succeeds', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const nap = kit.task('nap', async (ms: number) => {
      await sleep(ms, undefined, { signal: currentTask().signal }).catch(() => undefined);
      return ms;
    });
    await kit.worker();
    const limited = await nap.applyAsync([2000], { timeLimitMs: 80 });
    await expect(limited.get({ timeoutMs: RESULT_TIMEOUT_MS })).rejects.toMatchObject({ remoteType: 'TimeLimitExceeded' });
    expect(await (await nap.delay(20)).get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(20);
  });

  test('soft time limit: currentTask().signal aborts with SoftTimeLimitExceeded and the task may still finish', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const careful = kit.task('careful', { softTimeLimitMs: 80 }, async () => {
      const { signal } = currentTask();
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      // Cleanup after the soft limit is allowed: the attempt is not killed.
      await sleep(30);
      return { aborted: signal.aborted, code: (signal.reason as TqError).code };
    });
    const careless = kit.task('careless', { softTimeLimitMs: 50 }, async () => {
      const { signal } = currentTask();
      await sleep(2000, undefined, { signal });
    });
    await kit.worker();
    expect(await (await careful.delay()).get({ timeoutMs: RESULT_TIMEOUT_MS })).toEqual({
      aborted: true,
      code: 'TQ_SOFT_TIME_LIMIT_EXCEEDED',
    });
    // A task that lets the abort propagate fails with Celery's SoftTimeLimitExceeded.
    await expect((await careless.delay()).get({ timeoutMs: RESULT_TIMEOUT_MS })).rejects.toMatchObject({
      remoteType: 'SoftTimeLimitExceeded',
    });
  });

  test('revoke before start: the task never runs and get() rejects with TaskRevokedError', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const gate = deferred();
    const blocker = kit.task('blocker', async () => {
      await gate.promise;
      return 'released';
    });
    let victimRuns = 0;
    const victim = kit.task('victim', async () => {
      victimRuns++;
      return 'ran';
    });
    // One slot, taken by the blocker: the victim waits (in the broker or prefetched) when revoked.
    const worker = await kit.worker({ concurrency: 1 });
    const events = kit.record(worker);
    const blocked = await blocker.delay();
    await waitUntil(() => events.some((e) => e.type === 'task-started' && e.id === blocked.id), 'the blocker to start');
    const r = await victim.delay();
    await sleep(50);
    await r.revoke();
    await sleep(50);
    gate.resolve();
    expect(await blocked.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe('released');
    const error = await r.get({ timeoutMs: RESULT_TIMEOUT_MS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskRevokedError);
    expect((error as TaskRevokedError).reason).toBe('revoked');
    await waitUntil(() => events.some((e) => e.type === 'task-revoked' && e.id === r.id), 'the task-revoked event');
    expect(victimRuns).toBe(0);
    expect(await r.state()).toBe('REVOKED');
  });

  itIf(caps.lateRevoke, 'revokes kept for workers started later')(
    'revoke before any worker started: a worker started later does not run it',
    async (context) => {
      const kit = await TaskKit.forTest(config, context);
      let runs = 0;
      const victim = kit.task('victim', async () => {
        runs++;
        return 'ran';
      });
      const add = kit.task('add', async (x: number, y: number) => x + y);
      const r = await victim.delay();
      await r.revoke();
      await kit.worker();
      await expect(r.get({ timeoutMs: RESULT_TIMEOUT_MS })).rejects.toBeInstanceOf(TaskRevokedError);
      // The worker consumed past it: a task sent after the victim runs.
      expect(await (await add.delay(2, 2)).get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(4);
      expect(runs).toBe(0);
    },
  );

  itIf(caps.broadcast, 'broadcast')('revoke with terminate aborts the running attempt; the worker keeps going', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    expect((await kit.app.broker()).capabilities.broadcast).toBe(true);
    let reason: unknown;
    const endless = kit.task('endless', async () => {
      const { signal } = currentTask();
      await new Promise<void>((resolve) =>
        signal.addEventListener(
          'abort',
          () => {
            reason = signal.reason;
            resolve();
          },
          { once: true },
        ),
      );
      return 'should not be stored';
    });
    const add = kit.task('add', async (x: number, y: number) => x + y);
    const worker = await kit.worker({ concurrency: 1 });
    const events = kit.record(worker);
    const r = await endless.delay();
    await waitUntil(() => events.some((e) => e.type === 'task-started' && e.id === r.id), 'the task to start');
    await r.revoke({ terminate: true });
    await expect(r.get({ timeoutMs: RESULT_TIMEOUT_MS })).rejects.toBeInstanceOf(TaskRevokedError);
    await waitUntil(() => reason !== undefined, 'the task signal to abort');
    expect(TqError.is(reason, 'TQ_TASK_REVOKED')).toBe(true);
    await waitUntil(() => events.some((e) => e.type === 'task-revoked' && e.id === r.id), 'the task-revoked event');
    expect(events.find((e) => e.type === 'task-revoked')?.payload.reason).toBe('terminated');
    expect(await (await add.delay(2, 2)).get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(4);
    expect(await r.state()).toBe('REVOKED');
  });
}
