import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '@tq/core';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteQueues, testBroker, uniqueQueue } from './kafka-support.js';

const workerScript = fileURLToPath(new URL('./fixtures/kafka-worker.ts', import.meta.url));
const integrationDir = fileURLToPath(new URL('../../', import.meta.url));

interface LogLine {
  ev: 'start' | 'end';
  key: string;
  seq: number;
  who: string;
  at: number;
}

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Start a worker process; resolves once its consumer is in the group. */
function startWorker(queue: string, logFile: string, name: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', workerScript, queue, logFile, name], {
    cwd: integrationDir,
    env: { ...process.env, TQ_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`worker ${name} exited early (${code ?? signal})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

function readLog(file: string): LogLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine);
}

const id = (line: { key: string; seq: number }) => `${line.key}#${line.seq}`;

async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A producer app, a log file and `keys × perKey` keyed tasks published in order per key. */
async function setUp(label: string) {
  const queue = uniqueQueue(label);
  const dir = mkdtempSync(join(tmpdir(), 'tq-kafka-'));
  const logFile = join(dir, 'log.jsonl');
  const producer = createApp({ broker: testBroker(), defaultQueue: queue });
  const record = producer.task('kafka.record', { queue }, async (_key: string, _seq: number) => {});
  cleanups.push(async () => {
    await producer.close();
    await deleteQueues([queue]);
    rmSync(dir, { recursive: true, force: true });
  });
  const publish = async (keys: number, perKey: number) => {
    for (let seq = 0; seq < perKey; seq++) {
      await Promise.all(Array.from({ length: keys }, (_, k) => record.applyAsync([`k${k}`, seq], { orderingKey: `k${k}` })));
    }
  };
  return { queue, logFile, publish };
}

/** Every task ran to its end at least once; returns how many ran more than once. */
function expectAllDone(lines: LogLine[], keys: number, perKey: number): number {
  const ends = new Map<string, number>();
  for (const line of lines) if (line.ev === 'end') ends.set(id(line), (ends.get(id(line)) ?? 0) + 1);
  const missing: string[] = [];
  for (let k = 0; k < keys; k++) for (let seq = 0; seq < perKey; seq++) if (!ends.has(`k${k}#${seq}`)) missing.push(`k${k}#${seq}`);
  expect(missing).toEqual([]);
  const starts = new Map<string, number>();
  for (const line of lines) if (line.ev === 'start') starts.set(id(line), (starts.get(id(line)) ?? 0) + 1);
  return [...starts.values()].filter((n) => n > 1).length;
}

/**
 * Per-key order: for every key, task `seq` first starts no earlier than task `seq - 1` first
 * ended (in order, and never two of one key at once, whichever process ran them).
 */
function expectPerKeyOrder(lines: LogLine[], keys: number, perKey: number): void {
  const firstStart = new Map<string, number>();
  const firstEnd = new Map<string, number>();
  for (const line of lines) {
    const map = line.ev === 'start' ? firstStart : firstEnd;
    if (!map.has(id(line))) map.set(id(line), line.at);
  }
  const violations: string[] = [];
  for (let k = 0; k < keys; k++) {
    for (let seq = 1; seq < perKey; seq++) {
      const previousEnd = firstEnd.get(`k${k}#${seq - 1}`) ?? Number.POSITIVE_INFINITY;
      const start = firstStart.get(`k${k}#${seq}`) ?? Number.NEGATIVE_INFINITY;
      if (start < previousEnd) violations.push(`k${k}#${seq} started ${(previousEnd - start).toFixed(1)} ms before k${k}#${seq - 1} ended`);
    }
  }
  expect(violations).toEqual([]);
}

/** Until `total` distinct tasks have logged their end (after a kill or a join, within 45 s). */
function waitForAllEnded(logFile: string, total: number): Promise<unknown> {
  return waitFor(
    () =>
      new Set(
        readLog(logFile)
          .filter((l) => l.ev === 'end')
          .map(id),
      ).size === total,
    'every task to end',
    45_000,
  );
}

describe('kafka: worker processes crash and join mid-run', () => {
  it('SIGKILL of one of two workers mid-run: nothing lost, duplicates only what it had in flight', async () => {
    const { queue, logFile, publish } = await setUp('kill');
    const keys = 12;
    const perKey = 25;
    const concurrency = 4;
    const [victim] = await Promise.all([
      startWorker(queue, logFile, 'victim', { CONCURRENCY: String(concurrency) }),
      startWorker(queue, logFile, 'survivor', { CONCURRENCY: String(concurrency) }),
    ]);
    await publish(keys, perKey);
    // Kill the victim once it has finished some work and has some running.
    await waitFor(
      () => readLog(logFile).filter((l) => l.who === 'victim' && l.ev === 'end').length >= 20,
      'the victim to do some work',
      30_000,
    );
    victim?.kill('SIGKILL');
    const killedAt = performance.timeOrigin + performance.now();
    // The survivor gets the victim's partitions once its session (6 s) expires.
    await waitForAllEnded(logFile, keys * perKey);
    const lines = readLog(logFile);
    const duplicated = expectAllDone(lines, keys, perKey);
    // What the victim had started and not finished when it died.
    const victimStarted = new Set(lines.filter((l) => l.who === 'victim' && l.ev === 'start' && l.at <= killedAt).map(id));
    const victimEnded = new Set(lines.filter((l) => l.who === 'victim' && l.ev === 'end').map(id));
    const inFlight = [...victimStarted].filter((task) => !victimEnded.has(task));
    const rerunByTheSurvivor = lines.filter((l) => l.who === 'survivor' && l.ev === 'start' && victimEnded.has(id(l)));
    console.info(
      `kill: ${keys * perKey} tasks, victim in flight at kill: ${inFlight.length}, duplicated: ${duplicated}, finished-by-victim re-run: ${rerunByTheSurvivor.length}`,
    );
    expect(inFlight.length).toBeGreaterThan(0);
    for (const task of inFlight) expect(lines.some((l) => l.who === 'survivor' && l.ev === 'end' && id(l) === task)).toBe(true);
    // Duplicates: the victim's in-flight tasks, plus at most what it completed in the last
    // commit round trip before the kill (its prefetch window, concurrency × 2).
    expect(duplicated).toBeLessThanOrEqual(inFlight.length + concurrency * 2);
    expectPerKeyOrder(lines, keys, perKey);
  }, 90_000);

  it('a second worker joining mid-run: nothing lost, per-key order kept, both do work', async () => {
    const { queue, logFile, publish } = await setUp('join');
    const keys = 12;
    const perKey = 40;
    const env = { TASK_MS: '50', CONCURRENCY: '4' };
    await startWorker(queue, logFile, 'first', env);
    await publish(keys, perKey);
    await waitFor(() => readLog(logFile).filter((l) => l.ev === 'end').length >= 40, 'the first worker to do some work', 30_000);
    await startWorker(queue, logFile, 'second', env);
    await waitForAllEnded(logFile, keys * perKey);
    const lines = readLog(logFile);
    const duplicated = expectAllDone(lines, keys, perKey);
    console.info(
      `join: ${keys * perKey} tasks, duplicated: ${duplicated}, run by second: ${lines.filter((l) => l.who === 'second' && l.ev === 'end').length}`,
    );
    expect(lines.some((l) => l.who === 'second' && l.ev === 'end')).toBe(true);
    expectPerKeyOrder(lines, keys, perKey);
    // Only tasks running when the partition moved can run twice (the worker's prefetch at most).
    expect(duplicated).toBeLessThanOrEqual(16);
  }, 90_000);
});
