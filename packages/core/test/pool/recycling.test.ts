import { afterEach, describe, expect, it } from 'vitest';
import { holdMemory, lines, memoryMb, whoAmI } from './fixtures/pool-tasks.js';
import { closeWorkers, poolWorker } from './pool-test-kit.js';

afterEach(closeWorkers);

describe.each(['threads', 'processes'] as const)('recycling children of the %s pool', { timeout: 30_000 }, (pool) => {
  const idOf = (who: { pid: number; threadId: number }) => (pool === 'threads' ? who.threadId : who.pid);

  it('maxTasksPerChild replaces a child after 3 tasks', async () => {
    const { queue } = await poolWorker(pool, { maxTasksPerChild: 3 });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const who = await (await whoAmI.applyAsync([], { queue })).get({ timeoutMs: 20_000 });
      ids.push(idOf(who));
    }
    const [first] = ids;
    expect(ids.slice(0, 3)).toEqual([first, first, first]);
    expect(ids[3]).not.toBe(first);
  });

  it('maxMemoryPerChildMb replaces a child after the task that grew it past the limit', async () => {
    // A fresh child's memory (rss of a process, heap of a thread) differs by machine: measure it.
    const measuring = await poolWorker(pool);
    const baseMb = await (await memoryMb.applyAsync([], { queue: measuring.queue })).get({ timeoutMs: 20_000 });
    // 100 MiB of headroom either way: small tasks stay under the limit, a 200 MiB allocation goes over.
    const { queue } = await poolWorker(pool, { maxMemoryPerChildMb: baseMb + 100 });
    // The task that grows it still ends normally...
    const holder = idOf(await (await holdMemory.applyAsync([200], { queue })).get({ timeoutMs: 20_000 }));
    // ...then its child is replaced: the next task runs in a new one.
    expect(idOf(await (await whoAmI.applyAsync([], { queue })).get({ timeoutMs: 20_000 }))).not.toBe(holder);
    expect(lines).toContainEqual(expect.objectContaining({ child: holder, msg: 'pool child over maxMemoryPerChildMb; replacing it' }));
  });
});
