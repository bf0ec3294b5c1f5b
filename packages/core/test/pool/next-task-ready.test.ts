import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { app, sleepMs, waitForFile } from './fixtures/pool-tasks.js';
import { closeWorkers, poolWorker } from './pool-test-kit.js';

afterEach(closeWorkers);

/** Until `check` holds (20 s at most: a loaded machine starts threads slowly). */
const until = (what: string, check: () => boolean | Promise<boolean>) => expect.poll(check, { timeout: 20_000, message: what }).toBe(true);

describe('the next task of a busy child', { timeout: 40_000 }, () => {
  it('waits for that child: taking tasks ahead starts no extra child', async () => {
    const log = join(tmpdir(), `tq-imports-${randomUUID()}`);
    writeFileSync(log, '');
    process.env.TQ_TEST_IMPORT_LOG = log;
    try {
      const { queue } = await poolWorker('threads');
      const results = await Promise.all(Array.from({ length: 6 }, () => sleepMs.applyAsync([30], { queue })));
      const ran = await Promise.all(results.map((result) => result.get({ timeoutMs: 20_000 })));
      expect(new Set(ran.map((who) => who?.threadId)).size).toBe(1);
      // Every child imports the task module once it starts: one line per child ever started.
      expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
    } finally {
      delete process.env.TQ_TEST_IMPORT_LOG;
    }
  });

  it('is taken while the child runs the last one, and a revoke that comes meanwhile still stops it', async () => {
    const { worker, queue } = await poolWorker('threads');
    const started: string[] = [];
    const revoked: string[] = [];
    worker.events.on('task-started', (event) => started.push(event.id ?? ''));
    worker.events.on('task-revoked', (event) => revoked.push(event.id ?? ''));
    const target = { destination: [worker.hostname], timeoutMs: 5000 };

    const marker = join(tmpdir(), `tq-next-task-${randomUUID()}`);
    const first = await waitForFile.applyAsync([marker], { queue });
    await until('the first task to start', () => started.includes(first.id));
    const next = await sleepMs.applyAsync([1], { queue });
    // One child, concurrency 1: the next task is taken (reserved), waiting for the child.
    await until('the next task to be reserved', async () => {
      const [reply] = await app.control.request<{ id: string }[]>('reserved', {}, target);
      return (reply?.reply ?? []).some((request) => request.id === next.id);
    });
    await app.revoke(next.id);
    await until('the worker to know the revoke', async () => {
      const [reply] = await app.control.request<string[]>('revoked', {}, target);
      return (reply?.reply ?? []).includes(next.id);
    });

    writeFileSync(marker, '');
    expect(await first.get({ timeoutMs: 20_000 })).toBe(marker);
    await until('the next task to be revoked', () => revoked.includes(next.id));
    expect(started).not.toContain(next.id);
    expect(await next.state()).toBe('REVOKED');
  });
});
