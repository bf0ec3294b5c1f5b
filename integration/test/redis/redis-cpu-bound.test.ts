import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createApp } from '@tq/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerAvailable, brokerUrl } from '../../harness/index.js';
import { brokerOn, deleteQueues } from './redis-test-env.js';

const workerScript = fileURLToPath(new URL('./fixtures/cpu-bound-worker.ts', import.meta.url));
const integrationDir = fileURLToPath(new URL('../../', import.meta.url));

/** A worker process (see the fixture); resolves once it consumes. Its stderr lines land in `lines`. */
function startWorker(args: string[], lines: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', workerScript, ...args], {
    cwd: integrationDir,
    env: { ...process.env, TQ_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited early with ${code}: ${lines.join('\n')}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe.skipIf(!brokerAvailable('redis'))('redis: a CPU-bound task does not re-run forever (issue 13, item 2)', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
    children.length = 0;
  });

  it('two workers, a 1 s visibility timeout, a 2.5 s synchronous task: it starts maxDeliveries (3) times, then is dead-lettered, loudly', async () => {
    const url = brokerUrl('redis');
    const queue = `cpu-${randomUUID().slice(0, 8)}`;
    const startsKey = `cpu-starts-${randomUUID().slice(0, 8)}`;
    const redis = new Redis(url);
    // The same visibility timeout as the workers: a message handed straight to an idle worker's
    // inbox carries the producer's deadline until that worker's heartbeat first beats.
    const producer = createApp({ broker: brokerOn('redis', { visibilityTimeoutMs: 1000 }) });
    const crunch = producer.task('cpu.crunch', async (_ms: number) => {});
    const logs: string[] = [];
    try {
      children.push(await startWorker([url, queue, startsKey, 'cpu-a'], logs));
      children.push(await startWorker([url, queue, startsKey, 'cpu-b'], logs));
      await crunch.applyAsync([2500], { queue });

      const broker = await producer.broker();
      const reason = 'delivered 3 times without finishing (worker lost each time)';
      await waitFor(async () => (await broker.deadLetters(queue)).length > 0, 'the dead letter', 40_000);
      expect((await broker.deadLetters(queue)).map((letter) => letter.reason)).toEqual([reason]);
      // Each start blocked its worker past the visibility timeout, so the other one took over.
      const starts = await redis.lrange(startsKey, 0, -1);
      expect(starts).toHaveLength(3);
      expect(new Set(starts)).toEqual(new Set(['cpu-a', 'cpu-b']));
      // No further start: a few visibility timeouts later the list is the same.
      await sleep(3000);
      expect(await redis.llen(startsKey)).toBe(3);
      expect(await broker.size(queue)).toBe(0);

      // And loudly: each worker named the task that blocked it, with the fix.
      const blocked = logs.filter((line) => line.includes('event loop was blocked'));
      expect(blocked.length).toBeGreaterThanOrEqual(2);
      for (const line of blocked) {
        const entry = JSON.parse(line) as { level: number; msg: string; blockedMs: number; visibilityTimeoutMs: number };
        expect(entry.level).toBe(50);
        expect(entry.msg).toContain('cpu.crunch');
        expect(entry.msg).toMatch(/worker thread/);
        expect(entry.visibilityTimeoutMs).toBe(1000);
        expect(entry.blockedMs).toBeGreaterThan(1000);
      }
      expect(logs.some((line) => line.includes(reason))).toBe(true);
    } finally {
      await producer.close();
      await redis.del(startsKey);
      redis.disconnect();
      await deleteQueues('redis', [queue]);
    }
  }, 90_000);
});
