import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createApp } from '@tq/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerAvailable, brokerUrl } from '../../harness/index.js';
import { brokerOn, deleteQueues } from './redis-test-env.js';

const workerScript = fileURLToPath(new URL('./fixtures/record-worker.ts', import.meta.url));
const integrationDir = fileURLToPath(new URL('../../', import.meta.url));

/** Start a worker process; resolves once it consumes. */
function startWorker(url: string, queue: string, resultsKey: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', workerScript, url, queue, resultsKey], {
    cwd: integrationDir,
    env: { ...process.env, TQ_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!brokerAvailable('redis'))('redis: a worker killed with SIGKILL mid-batch loses nothing', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it('every task completes after kill -9 and a fresh worker', async () => {
    const url = brokerUrl('redis');
    const queue = `crash-${randomUUID().slice(0, 8)}`;
    const resultsKey = `crash-results-${randomUUID().slice(0, 8)}`;
    const redis = new Redis(url);
    const producer = createApp({ broker: brokerOn('redis'), logger: undefined });
    const record = producer.task('crash.record', async (_i: number) => {});
    try {
      const total = 400;
      await Promise.all(Array.from({ length: total }, (_, i) => record.applyAsync([i], { queue })));

      const first = await startWorker(url, queue, resultsKey);
      children.push(first);
      await waitFor(async () => (await redis.scard(resultsKey)) >= 60, 'the first worker to get going', 20_000);
      first.kill('SIGKILL'); // mid-batch: it holds up to 16 claimed messages, 8 of them running
      const doneAtKill = await redis.scard(resultsKey);
      expect(doneAtKill).toBeLessThan(total);

      children.push(await startWorker(url, queue, resultsKey));
      await waitFor(async () => (await redis.scard(resultsKey)) === total, `all ${total} tasks`, 30_000);
      const runs = Number(await redis.get(`${resultsKey}:runs`));
      // At least once: tasks interrupted by the kill ran again; nothing ran twice otherwise.
      expect(runs).toBeGreaterThanOrEqual(total);
      expect(runs - total).toBeLessThanOrEqual(16);
    } finally {
      await producer.close();
      await redis.del(resultsKey, `${resultsKey}:runs`);
      redis.disconnect();
      await deleteQueues('redis', [queue]);
    }
  }, 90_000);
});
