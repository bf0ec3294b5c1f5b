import { setTimeout as sleep } from 'node:timers/promises';
import { currentTask, RemoteTaskError, TaskRevokedError, TqError } from '@tq/core';
import { expect } from 'vitest';
import { deferred } from '../support/deferred.js';
import { waitUntil } from '../support/wait-until.js';
import type { ResolvedCapabilities, TaskConformanceConfig } from './task-conformance-config.js';
import { itIf, RESULT_TIMEOUT_MS, TaskKit, test } from './task-kit.js';

/** A custom error class: its name must survive the trip to the caller. */
class PaymentDeclinedError extends Error {}

/** delay/get, countdown, expires, priority, and how a failure reaches the caller. */
export function callingTests(config: TaskConformanceConfig, caps: ResolvedCapabilities): void {
  test('delay() then get(): the return value comes back, the record says SUCCESS', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const add = kit.task('add', async (x: number, y: number) => x + y);
    const echo = kit.task('echo', async (value: unknown) => value);
    await kit.worker();

    const r = await add.delay(2, 3);
    expect(await r.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(5);
    expect(await r.state()).toBe('SUCCESS');
    const meta = await r.meta();
    expect(meta).toMatchObject({ status: 'SUCCESS', result: 5, task_id: r.id });
    // The call itself is not stored unless the app sets resultExtended (arguments may be personal data).
    for (const key of ['name', 'args', 'kwargs', 'worker']) expect(meta).not.toHaveProperty(key);
    expect(meta?.date_done).toEqual(expect.any(String));
    // JSON values of every kind survive the broker and the backend.
    const value = { text: 'zażółć 🐢', list: [1, 2.5, null, true], nested: { deep: ['x'] } };
    expect(await (await echo.delay(value)).get({ timeoutMs: RESULT_TIMEOUT_MS })).toEqual(value);
  });

  test('currentTask() inside a task: its ids and queue, a live signal, progress() as a custom state', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const reported = deferred();
    const finish = deferred();
    const step = kit.task('step', async (n: number) => {
      // Destructured, as tasks often do: every member must work detached from the object.
      const { id, name, retries, rootId, queue, signal, progress } = currentTask();
      await progress({ done: n }, 'HALFWAY');
      reported.resolve();
      await finish.promise;
      return { id, name, retries, rootId, queue, aborted: signal.aborted };
    });
    await kit.worker();
    const r = await step.delay(1);
    await reported.promise;
    expect(await r.state()).toBe('HALFWAY');
    expect((await r.meta())?.result).toEqual({ done: 1 });
    finish.resolve();
    expect(await r.get({ timeoutMs: RESULT_TIMEOUT_MS })).toEqual({
      id: r.id,
      name: step.name,
      retries: 0,
      rootId: r.id,
      queue: kit.queue,
      aborted: false,
    });
  });

  test('applyAsync with a taskId uses that id', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const add = kit.task('add', async (x: number, y: number) => x + y);
    await kit.worker();
    const taskId = `conformance-${kit.queue}`;
    const r = await add.applyAsync([20, 22], { taskId });
    expect(r.id).toBe(taskId);
    expect(await kit.app.asyncResult(taskId).get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(42);
  });

  itIf(caps.delay, 'delay')('applyAsync with countdownMs runs after the countdown, not before', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    expect((await kit.app.broker()).capabilities.delay).toBeTruthy();
    let ranAt = 0;
    const stamp = kit.task('stamp', async () => {
      ranAt = Date.now();
      return 'ran';
    });
    await kit.worker();
    const sentAt = Date.now();
    const r = await stamp.applyAsync([], { countdownMs: 400 });
    await sleep(150);
    const state = await r.state();
    // A look still inside the countdown must see it waiting; a stalled machine may look later.
    if (Date.now() - sentAt < 390) {
      expect(state).toBe('PENDING');
      expect(ranAt).toBe(0);
    }
    expect(await r.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe('ran');
    // Lower bound only (a few ms for clocks); the upper bound is just "not forever".
    expect(ranAt - sentAt).toBeGreaterThanOrEqual(390);
  });

  test('expires in the past when a worker gets it: REVOKED with reason expired, never run', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    let runs = 0;
    const work = kit.task('work', async () => {
      runs++;
    });
    const r = await work.applyAsync([], { expires: 50 });
    await sleep(120);
    const worker = await kit.worker();
    const events = kit.record(worker);
    const error = await r.get({ timeoutMs: RESULT_TIMEOUT_MS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskRevokedError);
    expect((error as TaskRevokedError).reason).toBe('expired');
    expect(await r.state()).toBe('REVOKED');
    expect(runs).toBe(0);
    await waitUntil(() => events.some((e) => e.type === 'task-revoked'), 'the task-revoked event');
    expect(events.find((e) => e.type === 'task-revoked')?.payload).toMatchObject({ id: r.id, reason: 'expired' });
  });

  itIf(caps.priority, 'priority')('priority: waiting high-priority tasks run before low-priority ones', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    expect((await kit.app.broker()).capabilities.priority).toBeTruthy();
    const order: string[] = [];
    const mark = kit.task('mark', async (label: string) => {
      order.push(label);
    });
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await mark.applyAsync([`low${i}`], { priority: 1 }));
    for (let i = 0; i < 3; i++) sent.push(await mark.applyAsync([`high${i}`], { priority: 9 }));
    await kit.worker({ concurrency: 1, prefetchMultiplier: 1 });
    await Promise.all(sent.map((r) => r.get({ timeoutMs: RESULT_TIMEOUT_MS })));
    expect(order).toHaveLength(6);
    expect(order.slice(0, 3).every((label) => label.startsWith('high'))).toBe(true);
  });

  test('failure: get() rejects with RemoteTaskError carrying the remote type, message and stack', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const boom = kit.task('boom', async function explodeOnPurpose(x: number) {
      throw new TypeError(`kaboom ${x}`);
    });
    const decline = kit.task('decline', async () => {
      throw new PaymentDeclinedError('card declined');
    });
    await kit.worker();

    const r = await boom.delay(7);
    const error = await r.get({ timeoutMs: RESULT_TIMEOUT_MS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteTaskError);
    expect(TqError.is(error, 'TQ_REMOTE_TASK')).toBe(true);
    const remote = error as RemoteTaskError;
    expect(remote.taskId).toBe(r.id);
    expect(remote.remoteType).toBe('TypeError');
    expect(remote.message).toContain('kaboom 7');
    expect(remote.remoteStack).toContain('kaboom 7');
    expect(remote.remoteStack).toContain('explodeOnPurpose');
    expect(await r.state()).toBe('FAILURE');

    const declined = await (await decline.delay()).get({ timeoutMs: RESULT_TIMEOUT_MS }).catch((e: unknown) => e);
    expect(declined).toMatchObject({ remoteType: 'PaymentDeclinedError', message: expect.stringContaining('card declined') });
  });
}
