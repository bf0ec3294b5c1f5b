import { afterEach, describe, expect, it } from 'vitest';
import { spinForever, whoAmI } from './fixtures/pool-tasks.js';
import { closeWorkers, poolWorker } from './pool-test-kit.js';

afterEach(closeWorkers);

describe.each(['threads', 'processes'] as const)('hard time limit in the %s pool', { timeout: 30_000 }, (pool) => {
  it('stops an infinite synchronous loop at 500 ms and the worker keeps serving', async () => {
    const { queue } = await poolWorker(pool);
    const before = await (await whoAmI.applyAsync([], { queue })).get({ timeoutMs: 20_000 });
    const started = performance.now();
    const stuck = await spinForever.applyAsync([], { queue });
    await expect(stuck.get({ timeoutMs: 20_000 })).rejects.toMatchObject({ remoteType: 'TimeLimitExceeded' });
    // Stopped at the limit, not whenever: generous for a loaded machine, far below "never".
    expect(performance.now() - started).toBeLessThan(5000);
    // One child (concurrency 1): the spinning one was killed and a new one serves the next task.
    const after = await (await whoAmI.applyAsync([], { queue })).get({ timeoutMs: 20_000 });
    expect(pool === 'threads' ? after.threadId : after.pid).not.toBe(pool === 'threads' ? before.threadId : before.pid);
  });
});
