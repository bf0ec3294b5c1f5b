import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp, MemoryBroker, MemoryResultBackend } from '../../src/index.js';
import { app, moduleImportedAt } from './fixtures/pool-tasks.js';
import { closeWorkers, poolWorker, TS_EXEC_ARGV } from './pool-test-kit.js';

afterEach(closeWorkers);

/** Children per pool kind, from `inspect stats`. */
async function children(of: App, hostname: string): Promise<Record<string, number> | undefined> {
  const target = { destination: [hostname], timeoutMs: 5000 };
  const [reply] = await of.control.request<{ pool: { children: Record<string, number> } }>('stats', {}, target);
  return reply?.reply.pool.children;
}

describe.each(['threads', 'processes'] as const)('a %s worker', { timeout: 30_000 }, (pool) => {
  it('starts its children with it, each having imported the task module before the first task', async () => {
    const { worker, queue } = await poolWorker(pool, { concurrency: 2 });
    const startedAt = Date.now();
    expect(await children(app, worker.hostname)).toEqual({ [pool]: 2 });
    // Imported before start() resolved: the first task's runtime and time limit exclude the child's boot.
    const importedAt = await (await moduleImportedAt.applyAsync([], { queue })).get({ timeoutMs: 20_000 });
    expect(importedAt).toBeLessThanOrEqual(startedAt);
  });
});

describe('an inline worker', { timeout: 30_000 }, () => {
  let other: App | undefined;
  afterEach(() => other?.close());

  it('starts the pools its tasks declare, and only those', async () => {
    other = createApp({ broker: new MemoryBroker(), backend: new MemoryResultBackend() });
    // Runs in a thread, which imports the fixture module (its `pool.moduleImportedAt`, the same task).
    const task = other.task(
      'pool.moduleImportedAt',
      { pool: 'threads', module: new URL('./fixtures/pool-tasks.ts', import.meta.url) },
      () => 0,
    );
    const queue = `prestart-${randomUUID()}`;
    const worker = other.worker({ queues: [queue], poolSize: 1, execArgv: TS_EXEC_ARGV });
    await worker.start();
    const startedAt = Date.now();
    try {
      expect(await children(other, worker.hostname)).toEqual({ threads: 1 });
      const importedAt = await (await task.applyAsync([], { queue })).get({ timeoutMs: 20_000 });
      expect(importedAt).toBeLessThanOrEqual(startedAt);
    } finally {
      await worker.close({ timeoutMs: 1000 });
    }
  });
});

describe('a worker whose pool children cannot start', { timeout: 30_000 }, () => {
  it('refuses to start, saying why and what to do', async () => {
    // No loader: a child cannot import tq's TypeScript entry.
    const worker = app.worker({ queues: [`prestart-${randomUUID()}`], pool: 'threads', concurrency: 1, execArgv: [] });
    await expect(worker.start()).rejects.toThrow(/pool child could not start .*--import tsx/);
  });
});
