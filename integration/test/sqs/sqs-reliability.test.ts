import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { createApp, MemoryResultBackend } from '@tq/core';
import { afterEach, describe, expect, it } from 'vitest';
import { reportMs } from '../../harness/timing.js';
import { deleteQueues, endpoint, testBroker, testClient } from './sqs-test-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const integrationDir = join(here, '..', '..');
const children = new Set<ChildProcess>();
const queues: string[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await deleteQueues(queues.splice(0));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts a worker process on `queue`; resolves once it consumes. */
async function workerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', join(here, 'fixtures', 'sqs-worker-process.ts')], {
    cwd: integrationDir,
    env: { ...process.env, SQS_ENDPOINT: endpoint, TQ_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker process exited (${code}) before it was ready:\n${stderr}`)));
  });
  return child;
}

/** Parsed LOG_FILE: attempts per task id. */
function attempts(logFile: string): { started: Map<string, string[]>; done: Map<string, string[]> } {
  const started = new Map<string, string[]>();
  const done = new Map<string, string[]>();
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {}
  for (const line of text.split('\n').filter(Boolean)) {
    const [what, id, pid] = line.split(' ') as [string, string, string];
    const map = what === 'start' ? started : done;
    map.set(id, [...(map.get(id) ?? []), pid]);
  }
  return { started, done };
}

/** Waiting, delayed and in-flight messages of a queue, read straight from SQS. */
async function counts(queue: string): Promise<{ waiting: number; inFlight: number }> {
  const client = testClient();
  try {
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: queue }));
    const { Attributes = {} } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    return {
      waiting: Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesDelayed),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    };
  } finally {
    client.destroy();
  }
}

describe('sqs reliability', () => {
  it('a worker process SIGKILLed mid-batch loses nothing: its messages come back once their visibility expires', async () => {
    const queue = `tq-sqs-kill-${Date.now()}`;
    queues.push(queue);
    const dir = mkdtempSync(join(tmpdir(), 'tq-sqs-kill-'));
    dirs.push(dir);
    const logFile = join(dir, 'attempts.log');
    const visibilityMs = 3000;
    const env = { QUEUE: queue, LOG_FILE: logFile, VISIBILITY_MS: String(visibilityMs), CONCURRENCY: '5' };

    const producer = createApp({ broker: testBroker() });
    const work = producer.task('work', { queue }, async (ms: number) => ms);
    const total = 40;
    const ids = (await Promise.all(Array.from({ length: total }, () => work.delay(300)))).map((r) => r.id);
    await producer.close();

    const doomed = await workerProcess(env);
    // Mid-batch: a first round finished, a second is running, more are prefetched.
    await expect.poll(() => attempts(logFile).done.size, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(5);
    await expect.poll(() => attempts(logFile).started.size, { timeout: 20_000, interval: 5 }).toBeGreaterThanOrEqual(7);
    doomed.kill('SIGKILL');
    await new Promise((resolve) => doomed.once('exit', resolve));
    const killedAt = performance.now();
    const atKill = attempts(logFile);
    const interrupted = [...atKill.started.keys()].filter((id) => !atKill.done.has(id));
    expect(interrupted.length).toBeGreaterThan(0);
    // The dead worker's messages are in flight on SQS: invisible, not lost.
    expect((await counts(queue)).inFlight).toBeGreaterThan(0);

    await workerProcess(env);
    await expect.poll(() => ids.filter((id) => !attempts(logFile).done.has(id)).length, { timeout: 30_000, interval: 50 }).toBe(0);
    const after = attempts(logFile);
    // Every task finished; the interrupted ones ran again, and not before their visibility expired.
    for (const id of ids) expect(after.done.get(id)?.length).toBeGreaterThanOrEqual(1);
    for (const id of interrupted) expect(after.started.get(id)?.length).toBe(2);
    expect(performance.now() - killedAt).toBeGreaterThan(visibilityMs - 1000);
    // Nothing left behind: no message waiting, none in flight.
    await expect.poll(() => counts(queue), { timeout: 5000, interval: 100 }).toEqual({ waiting: 0, inFlight: 0 });
  }, 90_000);

  it('a task running longer than the visibility timeout runs once: the heartbeat keeps extending it', async () => {
    const queue = `tq-sqs-long-${Date.now()}`;
    queues.push(queue);
    const backend = () => new MemoryResultBackend({ name: 'sqs-long-task' });
    const apps = [0, 1].map(() => createApp({ broker: testBroker({ visibilityTimeoutMs: 1500 }), backend: backend() }));
    let runs = 0;
    for (const app of apps) {
      app.task('long', { queue }, async () => {
        runs++;
        await sleep(6000); // four visibility timeouts
        return 'done';
      });
    }
    const r = await apps[0]?.getTask('long')?.delay();
    const workers = apps.map((app, i) => app.worker({ queues: [queue], concurrency: 2, hostname: `long-${i}` }));
    await Promise.all(workers.map((w) => w.start()));
    expect(await r?.get({ timeoutMs: 20_000 })).toBe('done');
    await sleep(2500); // past another visibility timeout: a redelivery would show now
    expect(runs).toBe(1);
    expect(await counts(queue)).toEqual({ waiting: 0, inFlight: 0 });
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(apps.map((a) => a.close()));
  }, 60_000);

  it('countdowns longer than the broker maximum hop: delivered on time, never early, with no worker holding them', async (context) => {
    const queue = `tq-sqs-hop-${Date.now()}`;
    queues.push(queue);
    // maxDelayMs 1 s stands in for SQS's 15 minutes: a 3.5 s countdown needs three hops.
    const app = createApp({ broker: testBroker({ maxDelayMs: 1000 }), backend: new MemoryResultBackend({ name: 'sqs-hop' }) });
    let ranAt = 0;
    const stamp = app.task('stamp', { queue }, async () => {
      ranAt = Date.now();
      return 'ran';
    });
    const worker = app.worker({ queues: [queue] });
    const events: string[] = [];
    worker.events.on('task-received', () => events.push('received'));
    await worker.start();
    const sentAt = Date.now();
    const r = await stamp.applyAsync([], { countdownMs: 3500 });
    // While it waits it is on SQS (delayed), not in a worker's memory.
    await sleep(1500);
    expect(worker.active()).toEqual([]);
    expect(await r.state()).toBe('PENDING');
    expect(await r.get({ timeoutMs: 10_000 })).toBe('ran');
    await reportMs(context, 'send → run (countdown 3500 ms)', ranAt - sentAt);
    expect(ranAt - sentAt).toBeGreaterThanOrEqual(3490);
    expect(ranAt - sentAt).toBeLessThan(3500 + 2500);
    expect(events).toEqual(['received']);
    await worker.close();
    await app.close();
  }, 30_000);
});
