import { currentTask, RemoteTaskError } from '@tq/core';
import { expect } from 'vitest';
import { eventually } from '../support/eventually.js';
import { reportMs } from '../support/timing.js';
import { waitUntil } from '../support/wait-until.js';
import type { ResolvedCapabilities, TaskConformanceConfig } from './task-conformance-config.js';
import { itIf, RESULT_TIMEOUT_MS, type RecordedEvent, TaskKit, test } from './task-kit.js';

class TransientError extends Error {}
class PermanentError extends Error {}

/**
 * How long to wait for the result of a task that retries `retries` times with a backoff: a broker
 * may round every delay up to whole seconds (SQS's DelaySeconds), so 4 retries of <= 100 ms take
 * over 4 s there.
 */
function retryingResultTimeoutMs(retries: number): number {
  return RESULT_TIMEOUT_MS + retries * 1000;
}

/**
 * The recorded events of `type`, once there are `count`. Never read them the moment the result is
 * ready: the worker emits `task-retried` only after sending the next attempt and storing RETRY
 * (and `task-failed` after storing FAILURE), so after a zero (jittered) delay the next attempt can
 * end the task before the event of the retry that sent it.
 */
async function recorded(events: readonly RecordedEvent[], type: RecordedEvent['type'], count: number): Promise<RecordedEvent[]> {
  const ofType = () => events.filter((e) => e.type === type);
  await waitUntil(() => ofType().length >= count, `${count} ${type} events`);
  return ofType();
}

/** Automatic retries (max, backoff, jitter, error filter) and manual `currentTask().retry()`. */
export function retryTests(config: TaskConformanceConfig, caps: ResolvedCapabilities): void {
  // Retries with a backoff are delayed messages.
  const itDelay = itIf(caps.delay, 'delay');

  itDelay('retries up to max, then fails with the last error; retries counts up; RETRY is stored in between', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const seen: number[] = [];
    const flaky = kit.task('flaky', { retry: { max: 2, backoff: 'fixed', baseMs: 150, jitter: false } }, async () => {
      seen.push(currentTask().retries);
      throw new TransientError(`attempt ${seen.length}`);
    });
    const worker = await kit.worker();
    const events = kit.record(worker);
    const r = await flaky.delay();
    await eventually(
      () => r.state(),
      (state) => state === 'RETRY',
      'the RETRY state',
      RESULT_TIMEOUT_MS,
    );
    const error = await r.get({ timeoutMs: retryingResultTimeoutMs(2) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteTaskError);
    expect((error as RemoteTaskError).remoteType).toBe('TransientError');
    expect((error as RemoteTaskError).message).toContain('attempt 3');
    expect(seen).toEqual([0, 1, 2]);
    expect((await recorded(events, 'task-retried', 2)).map((e) => e.payload.retries)).toEqual([1, 2]);
    expect(await recorded(events, 'task-failed', 1)).toHaveLength(1);
  });

  // Zero backoff: immediate retries need no broker delay, so these run on every transport.
  test('a task that succeeds on a retry returns its value', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    let attempts = 0;
    const flaky = kit.task('flaky', { retry: { max: 5, baseMs: 0 } }, async (x: number) => {
      attempts++;
      if (attempts < 3) throw new TransientError('not yet');
      return x * 2;
    });
    await kit.worker();
    expect(await (await flaky.delay(21)).get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(42);
    expect(attempts).toBe(3);
  });

  itDelay('exponential backoff doubles from baseMs up to maxMs (checked roughly)', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const at: number[] = [];
    const flaky = kit.task('flaky', { retry: { max: 3, backoff: 'exponential', baseMs: 60, maxMs: 150, jitter: false } }, async () => {
      at.push(Date.now());
      throw new TransientError('again');
    });
    const worker = await kit.worker();
    const events = kit.record(worker);
    await expect((await flaky.delay()).get({ timeoutMs: retryingResultTimeoutMs(3) })).rejects.toBeInstanceOf(RemoteTaskError);
    const delays = (await recorded(events, 'task-retried', 3)).map((e) => e.payload.delayMs);
    expect(delays).toEqual([60, 120, 150]);
    expect(at).toHaveLength(4);
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    await reportMs(context, 'gaps between attempts', gaps);
    // Each gap is at least its delay (minus clock slack); never checked from above but loosely.
    for (let i = 1; i < at.length; i++) {
      const gap = (at[i] as number) - (at[i - 1] as number);
      expect(gap).toBeGreaterThanOrEqual((delays[i - 1] as number) - 10);
      expect(gap).toBeLessThan((delays[i - 1] as number) + 2000);
    }
  });

  itDelay('jitter keeps every delay within [0, capped exponential delay]', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const flaky = kit.task('flaky', { retry: { max: 4, backoff: 'exponential', baseMs: 40, maxMs: 100, jitter: true } }, async () => {
      throw new TransientError('again');
    });
    const worker = await kit.worker();
    const events = kit.record(worker);
    await expect((await flaky.delay()).get({ timeoutMs: retryingResultTimeoutMs(4) })).rejects.toBeInstanceOf(RemoteTaskError);
    const delays = (await recorded(events, 'task-retried', 4)).map((e) => e.payload.delayMs as number);
    expect(delays).toHaveLength(4);
    const caps = [40, 80, 100, 100];
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(caps[i] as number);
    });
  });

  test('retries only the listed error types; another error fails at once', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    let attempts = 0;
    const picky = kit.task('picky', { retry: { max: 5, baseMs: 0, on: [TransientError] } }, async () => {
      attempts++;
      if (attempts === 1) throw new TransientError('retry me');
      throw new PermanentError('do not retry me');
    });
    let permanentAttempts = 0;
    const permanent = kit.task('permanent', { retry: { max: 5, baseMs: 0, on: [TransientError] } }, async () => {
      permanentAttempts++;
      throw new PermanentError('first and last');
    });
    const worker = await kit.worker();
    const events = kit.record(worker);
    const error = await (await picky.delay()).get({ timeoutMs: RESULT_TIMEOUT_MS }).catch((e: unknown) => e);
    expect(error).toMatchObject({ remoteType: 'PermanentError' });
    expect(attempts).toBe(2);
    const r = await permanent.delay();
    await expect(r.get({ timeoutMs: RESULT_TIMEOUT_MS })).rejects.toMatchObject({ remoteType: 'PermanentError' });
    expect(permanentAttempts).toBe(1);
    expect(events.filter((e) => e.type === 'task-retried' && e.id === r.id)).toHaveLength(0);
  });

  test('manual currentTask().retry() runs the task again with the same id', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const seen: { id: string; retries: number }[] = [];
    const poll = kit.task('poll', async (target: number) => {
      const { id, retries, retry } = currentTask();
      seen.push({ id, retries });
      if (retries < target) retry();
      return `done after ${retries}`;
    });
    await kit.worker();
    const r = await poll.delay(2);
    expect(await r.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe('done after 2');
    expect(seen).toEqual([0, 1, 2].map((retries) => ({ id: r.id, retries })));
  });

  itDelay('manual retry with countdownMs waits; past its max it fails with the given error', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const at: number[] = [];
    const stubborn = kit.task('stubborn', async () => {
      at.push(Date.now());
      currentTask().retry({ countdownMs: 120, max: 1, error: new TransientError('gave up') });
    });
    await kit.worker();
    const error = await (await stubborn.delay()).get({ timeoutMs: retryingResultTimeoutMs(1) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ remoteType: 'TransientError', message: expect.stringContaining('gave up') });
    expect(at).toHaveLength(2);
    expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(110);
  });
}
