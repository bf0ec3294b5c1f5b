import { afterEach, describe, expect, it } from 'vitest';
import { app, readResult, sendSubtask, whoAmI } from './fixtures/pool-tasks.js';
import { closeWorkers, poolWorker } from './pool-test-kit.js';

afterEach(closeWorkers);

describe.each(['threads', 'processes'] as const)('memory:// from inside the %s pool', { timeout: 30_000 }, (pool) => {
  it('a subtask sent by a child reaches the worker and runs', async () => {
    const { queue } = await poolWorker(pool);
    const sender = await sendSubtask.applyAsync([queue], { queue });
    const subtaskId = await sender.get({ timeoutMs: 20_000 });
    const subtask = app.asyncResult<{ pid: number; threadId: number }>(subtaskId);
    // It ran in a child of this worker, which consumed it from the worker's own memory broker.
    const who = await subtask.get({ timeoutMs: 20_000 });
    expect(pool === 'threads' ? who.threadId : who.pid).not.toBe(pool === 'threads' ? 0 : process.pid);
    // Sent from inside a task: that task's child (Celery's parent_id), as an inline send would be.
    expect(await subtask.meta()).toMatchObject({ status: 'SUCCESS', parent_id: sender.id });
  });

  it("a child reads a result from the worker's memory backend", async () => {
    const { queue } = await poolWorker(pool);
    const first = await whoAmI.applyAsync([], { queue });
    const stored = await first.get({ timeoutMs: 20_000 });
    expect(await (await readResult.applyAsync([first.id], { queue })).get({ timeoutMs: 20_000 })).toEqual(stored);
  });
});
