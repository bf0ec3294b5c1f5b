import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { abortOnce, abortProcess, spinUntilKilled, startWorker, whoAmI } from './fixtures/pool-tasks.js';
import { closeWorkers, poolWorker } from './pool-test-kit.js';

afterEach(closeWorkers);

describe('a pool child that dies', { timeout: 30_000 }, () => {
  it('process.abort() in the process pool fails the attempt with WorkerLostError, and the next task runs', async () => {
    const { worker, queue } = await poolWorker('processes');
    const lost = await abortProcess.applyAsync([], { queue });
    await expect(lost.get({ timeoutMs: 20_000 })).rejects.toMatchObject({
      remoteType: 'WorkerLostError',
      message: expect.stringMatching(/process \d+ was killed by SIGABRT/),
    });
    const next = await (await whoAmI.applyAsync([], { queue })).get({ timeoutMs: 20_000 });
    expect(next.pid).not.toBe(process.pid);
    expect(worker.active()).toEqual([]);
  });

  it('a task module that starts a worker inside a child is refused with the reason', async () => {
    const { queue } = await poolWorker('threads');
    const refused = await startWorker.applyAsync([], { queue });
    await expect(refused.get({ timeoutMs: 20_000 })).rejects.toThrow(/A worker cannot start inside a pool child/);
  });

  it('rejectOnWorkerLost gives the message back: it runs again in a new child', async () => {
    const { queue } = await poolWorker('processes');
    const marker = join(mkdtempSync(join(tmpdir(), 'tq-pool-')), 'aborted-once');
    const result = await abortOnce.applyAsync([marker], { queue });
    expect(await result.get({ timeoutMs: 20_000 })).toBe('ran again');
  });

  it('revoke with terminate kills the child running the task, and the next task runs', async () => {
    const { worker, queue } = await poolWorker('threads');
    const before = await (await whoAmI.applyAsync([], { queue })).get({ timeoutMs: 20_000 });
    const stuck = await spinUntilKilled.applyAsync([], { queue });
    const deadline = performance.now() + 20_000;
    while (!worker.active().includes(stuck.id) && performance.now() < deadline) await sleep(20);
    await stuck.revoke({ terminate: true });
    await expect(stuck.get({ timeoutMs: 20_000 })).rejects.toMatchObject({ name: 'TaskRevokedError', reason: 'terminated' });
    const after = await (await whoAmI.applyAsync([], { queue })).get({ timeoutMs: 20_000 });
    expect(after.threadId).not.toBe(before.threadId);
  });
});
