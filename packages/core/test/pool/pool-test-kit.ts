import { randomUUID } from 'node:crypto';
import type { PoolKind, Worker, WorkerOptions } from '../../src/index.js';
import { app } from './fixtures/pool-tasks.js';

/**
 * Children load the TypeScript task module through tsx, as `node --import tsx` would: vitest's own
 * process runs without it, so the tests name it (a user's worker inherits its own execArgv).
 */
export const TS_EXEC_ARGV = ['--import', 'tsx'];

const workers: Worker[] = [];

/** A started worker of the fixture app on a queue of its own (tests run in parallel). */
export async function poolWorker(pool: PoolKind, options: WorkerOptions = {}): Promise<{ worker: Worker; queue: string }> {
  const queue = `pool-${randomUUID()}`;
  const worker = app.worker({ queues: [queue], pool, concurrency: 1, execArgv: TS_EXEC_ARGV, ...options });
  workers.push(worker);
  await worker.start();
  return { worker, queue };
}

/** Close the workers the test started (their children with them). */
export async function closeWorkers(): Promise<void> {
  await Promise.all(workers.splice(0).map((worker) => worker.close({ timeoutMs: 1000 })));
}
