import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { app, waitForFile } from './fixtures/pool-tasks.js';
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
    // Two tasks sent together now run at once: each waits for a file the test writes only once both
    // started (with one child, the second would start only after the first ended).
    const started = new Set<string | null>();
    worker.events.on('task-started', (event) => started.add(event.id));
    const marker = join(tmpdir(), `tq-pool-grow-${randomUUID()}`);
    const both = await Promise.all([waitForFile.applyAsync([marker], { queue }), waitForFile.applyAsync([marker], { queue })]);
    await expect.poll(() => both.every((r) => started.has(r.id)), { timeout: 20_000 }).toBe(true);
    writeFileSync(marker, '');
    expect(await Promise.all(both.map((r) => r.get({ timeoutMs: 20_000 })))).toEqual([marker, marker]);

    expect(await app.control.request('pool_shrink', {}, target)).toEqual([{ node: worker.hostname, reply: { ok: 'pool will shrink' } }]);
    expect(await poolSize()).toBe(2);
    expect(await app.control.request('pool_shrink', { n: 'x' }, target)).toEqual([
      { node: worker.hostname, reply: { error: 'n must be a positive integer' } },
    ]);
  });
});
