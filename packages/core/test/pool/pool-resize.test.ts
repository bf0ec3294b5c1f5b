import { afterEach, describe, expect, it } from 'vitest';
import { app, sleepMs } from './fixtures/pool-tasks.js';
import { closeWorkers, poolWorker } from './pool-test-kit.js';

afterEach(closeWorkers);

describe('pool_grow and pool_shrink', { timeout: 30_000 }, () => {
  it('change the pool size at run time, and a pool worker runs as many tasks at once', async () => {
    const { worker, queue } = await poolWorker('threads');
    const target = { destination: [worker.hostname], timeoutMs: 5000 };
    const poolSize = async () => {
      const [reply] = await app.control.request<{ pool: { 'pool-size': number } }>('stats', {}, target);
      return reply?.reply.pool['pool-size'];
    };
    expect(await poolSize()).toBe(1);

    expect(await app.control.request('pool_grow', { n: 2 }, target)).toEqual([{ node: worker.hostname, reply: { ok: 'pool will grow' } }]);
    expect(await poolSize()).toBe(3);
    // Two tasks sent together now run at once, so on two different threads.
    const results = await Promise.all([sleepMs.applyAsync([300], { queue }), sleepMs.applyAsync([300], { queue })]);
    const [a, b] = await Promise.all(results.map((r) => r.get({ timeoutMs: 20_000 })));
    expect(a?.threadId).not.toBe(b?.threadId);

    expect(await app.control.request('pool_shrink', {}, target)).toEqual([{ node: worker.hostname, reply: { ok: 'pool will shrink' } }]);
    expect(await poolSize()).toBe(2);
    expect(await app.control.request('pool_shrink', { n: 'x' }, target)).toEqual([
      { node: worker.hostname, reply: { error: 'n must be a positive integer' } },
    ]);
  });
});
