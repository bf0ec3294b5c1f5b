import { type App, TqError, type UnsupportedCapabilityError } from '@tq/core';
import { expect } from 'vitest';
import { deferred } from '../support/deferred.js';
import { waitUntil } from '../support/wait-until.js';
import type { ResolvedCapabilities, TaskConformanceConfig } from './task-conformance-config.js';
import { itIf, RESULT_TIMEOUT_MS, TaskKit, test } from './task-kit.js';

/** Ids of every message `app` sends from now on, in order: what "sends nothing" is checked against. */
function sentIds(...apps: App[]): string[] {
  const ids: string[] = [];
  for (const app of apps) app.events.on('task-sent', (sent) => ids.push(sent.id));
  return ids;
}

/** `applyAsync({ taskId, deduplicate: true })`: one send per id where the backend claims ids, a clear refusal elsewhere. */
export function deduplicateTests(config: TaskConformanceConfig, caps: ResolvedCapabilities): void {
  const withClaims = itIf(caps.claims, 'claims');

  withClaims('a call whose taskId is pending, running or done sends nothing and returns the first call’s handle', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const release = deferred();
    let runs = 0;
    const work = kit.task('work', async (label: string) => {
      runs++;
      await release.promise;
      return label;
    });
    const sent = sentIds(kit.app);
    const taskId = `dedup-${kit.queue}`;
    const first = await work.applyAsync(['first'], { taskId, deduplicate: true });
    // The claim is a PENDING record: what Python's AsyncResult reads for a task not started yet.
    expect((await first.meta())?.status).toBe('PENDING');
    const whilePending = await work.applyAsync(['while pending'], { taskId, deduplicate: true });
    await kit.worker();
    await waitUntil(() => runs === 1, 'the first call to start');
    const whileRunning = await work.applyAsync(['while running'], { taskId, deduplicate: true });
    release.resolve();
    expect(await first.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe('first');
    const whenDone = await work.applyAsync(['when done'], { taskId, deduplicate: true });
    for (const duplicate of [whilePending, whileRunning, whenDone]) {
      expect(duplicate.id).toBe(taskId);
      expect(await duplicate.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe('first');
    }
    expect(sent).toEqual([taskId]);
    expect(runs).toBe(1);
  });

  withClaims('racing callers in two apps: exactly one message is sent', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const work = kit.task('work', async (label: string) => label);
    const other = await kit.otherApp();
    const workFromOther = other.task('work', { queue: kit.queue }, async (_label: string) => '');
    const sent = sentIds(kit.app, other);
    const taskId = `dedup-race-${kit.queue}`;
    const calls = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? work : workFromOther).applyAsync([`call ${i}`], { taskId, deduplicate: true })),
    );
    expect(sent).toEqual([taskId]);
    await kit.worker();
    const results = await Promise.all(calls.map((call) => call.get({ timeoutMs: RESULT_TIMEOUT_MS })));
    expect(new Set(results).size).toBe(1);
  });

  withClaims('a send that fails releases its claim, so the same call can be made again', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const work = kit.task('work', async (label: string) => label.length);
    const sent = sentIds(kit.app);
    const taskId = `dedup-release-${kit.queue}`;
    // Over the broker's message limit: refused by the send, after the claim was taken.
    const tooBig = 'x'.repeat((await kit.app.broker()).capabilities.maxMessageBytes);
    const error = await work.applyAsync([tooBig], { taskId, deduplicate: true }).catch((e: unknown) => e);
    expect(TqError.is(error, 'TQ_PAYLOAD_TOO_LARGE')).toBe(true);
    expect(await kit.app.asyncResult(taskId).meta()).toBeUndefined();
    const again = await work.applyAsync(['small'], { taskId, deduplicate: true });
    expect(sent).toEqual([taskId]);
    await kit.worker();
    expect(await again.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(5);
  });

  test('without deduplicate, nothing is claimed: two calls of one taskId are both sent, as before', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const work = kit.task('work', async (label: string) => label);
    const sent = sentIds(kit.app);
    const taskId = `no-dedup-${kit.queue}`;
    await work.applyAsync(['first'], { taskId });
    const second = await work.applyAsync(['second'], { taskId });
    expect(sent).toEqual([taskId, taskId]);
    // No claim record (Celery's PENDING is no record at all). Whether both run is the broker's
    // business: SQS FIFO drops a second message of one id within five minutes, others run both.
    expect(await kit.app.resultBackend().then((backend) => backend.get(taskId))).toBeUndefined();
    await kit.worker();
    expect(['first', 'second']).toContain(await second.get({ timeoutMs: RESULT_TIMEOUT_MS }));
  });

  if (!caps.claims) {
    test('deduplicate is refused clearly where the backend cannot claim ids, and nothing is sent', async (context) => {
      const kit = await TaskKit.forTest(config, context);
      expect((await kit.app.resultBackend()).capabilities.claims).toBe(false);
      const work = kit.task('work', async () => 'ran');
      const sent = sentIds(kit.app);
      const error = await work.applyAsync([], { taskId: `dedup-refused-${kit.queue}`, deduplicate: true }).catch((e: unknown) => e);
      expect(TqError.is(error, 'TQ_UNSUPPORTED_CAPABILITY')).toBe(true);
      expect((error as UnsupportedCapabilityError).capability).toBe('claims');
      expect((error as Error).message).toMatch(/deduplicate: true.*cannot .*Use redis:\/\//);
      expect(sent).toEqual([]);
    });
  }
}
