/**
 * `pnpm bench soak`: 1,000,000 noop tasks through one worker, with its RSS sampled as it goes —
 * memory must stay flat, and a task must cost the same with 1M queued behind it as with 10k.
 *
 * - redis: the queue is filled first (batches of 1000), then a worker in its own process
 *   (concurrency 100) drains it and reports every 50,000 tasks: elapsed time and RSS.
 * - memory: the same in one process (`memory://` lives in the process), after the producer's
 *   own objects are handed to the broker; the RSS then includes the queued messages.
 *
 * Per-task cost is the mean time per task over a window of 10,000: the second window (about 1M
 * queued; the first one warms up) against the last one (10k queued). SOAK_TASKS=200000 shortens a run; REDIS_URL uses your Redis.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createApp, createTaskMessage, type OutgoingMessage } from '@tq/core';
import { RedisBroker } from '@tq/redis';
import { provideRedis } from './provide-redis.js';

const TASKS = Number(process.env.SOAK_TASKS ?? 1_000_000);
const BATCH = 1000;
const WINDOW = 10_000;
const REPORT_EVERY = 50_000;
const CONCURRENCY = 100;
const self = fileURLToPath(import.meta.url);

/** One progress report of a draining worker. */
interface Sample {
  done: number;
  elapsedMs: number;
  rssMb: number;
  heapMb: number;
}

/** What a drain measured: samples, and the mean µs per task of the first and last windows. */
interface SoakResult {
  samples: Sample[];
  firstWindowUs: number;
  lastWindowUs: number;
}

/** The benchmark (called by integration/bench/run.ts). */
export async function run(): Promise<void> {
  const { url, stop } = await provideRedis();
  try {
    const queue = `bench-soak-${randomUUID().slice(0, 8)}`;
    const filled = performance.now();
    await fill(url, queue);
    console.log(`redis: ${TASKS.toLocaleString('en-US')} tasks queued in ${((performance.now() - filled) / 1000).toFixed(1)} s`);
    const redis = JSON.parse(await runChild(['redis', url, queue])) as SoakResult;
    await deleteQueue(url, queue);
    print('redis', redis);
  } finally {
    await stop();
  }
  print('memory', await soakMemory());
}

/** Fills `queue` on Redis with TASKS noop tasks. */
async function fill(url: string, queue: string): Promise<void> {
  const broker = new RedisBroker({ url });
  await broker.connect();
  try {
    for (let i = 0; i < TASKS; i += BATCH) await broker.publishBatch(noopMessages(queue, Math.min(BATCH, TASKS - i)));
  } finally {
    await broker.close();
  }
}

async function deleteQueue(url: string, queue: string): Promise<void> {
  const broker = new RedisBroker({ url });
  await broker.connect();
  await broker.deleteQueue(queue);
  await broker.close();
}

function noopMessages(queue: string, count: number): OutgoingMessage[] {
  return Array.from({ length: count }, () => ({ queue, message: createTaskMessage({ task: 'bench.noop', id: randomUUID(), args: [] }) }));
}

/** memory://: fill and drain in this process. */
async function soakMemory(): Promise<SoakResult> {
  const app = createApp({ broker: 'memory://', logger: undefined });
  const noop = app.task('bench.noop', async () => null);
  const queue = `bench-soak-${randomUUID().slice(0, 8)}`;
  for (let i = 0; i < TASKS; i += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, TASKS - i) }, () => noop.applyAsync([], { queue })));
  }
  const tracker = new DrainTracker();
  const worker = app.worker({ queues: [queue], concurrency: CONCURRENCY });
  worker.events.on('task-succeeded', () => tracker.tick());
  await worker.start();
  const result = await tracker.finished;
  await worker.close();
  await app.close();
  return result;
}

/** Counts finished tasks, samples every REPORT_EVERY, and times the first and last windows. */
class DrainTracker {
  private done = 0;
  private started = 0;
  private windowStart = 0;
  private firstWindowUs = 0;
  private readonly samples: Sample[] = [];
  private resolve!: (result: SoakResult) => void;
  readonly finished = new Promise<SoakResult>((resolve) => {
    this.resolve = resolve;
  });

  tick(): void {
    const now = performance.now();
    if (this.done === 0) this.started = now;
    this.done++;
    // The first window starts after WINDOW tasks: code compiled, connections warm (still ~1M queued).
    if (this.done === WINDOW) this.windowStart = now;
    if (this.done === 2 * WINDOW) this.firstWindowUs = ((now - this.windowStart) * 1000) / WINDOW;
    if (this.done === TASKS - WINDOW) this.windowStart = now;
    if (this.done % REPORT_EVERY === 0 || this.done === TASKS) {
      const memory = process.memoryUsage();
      this.samples.push({ done: this.done, elapsedMs: now - this.started, rssMb: memory.rss / 2 ** 20, heapMb: memory.heapUsed / 2 ** 20 });
    }
    if (this.done === TASKS) {
      this.resolve({ samples: this.samples, firstWindowUs: this.firstWindowUs, lastWindowUs: ((now - this.windowStart) * 1000) / WINDOW });
    }
  }
}

function print(name: string, result: SoakResult): void {
  console.log(`\n${name}: ${TASKS.toLocaleString('en-US')} tasks, one worker, concurrency ${CONCURRENCY}`);
  console.log('| tasks done | elapsed s | tasks/s (since last) | RSS MB | heap used MB |');
  console.log('|-----------:|----------:|---------------------:|-------:|-------------:|');
  let previous: Sample = { done: 0, elapsedMs: 0, rssMb: 0, heapMb: 0 };
  for (const sample of result.samples) {
    const rate = ((sample.done - previous.done) / Math.max(1, sample.elapsedMs - previous.elapsedMs)) * 1000;
    console.log(
      `| ${sample.done.toLocaleString('en-US')} | ${(sample.elapsedMs / 1000).toFixed(1)} | ${Math.round(rate).toLocaleString('en-US')} | ${sample.rssMb.toFixed(0)} | ${sample.heapMb.toFixed(0)} |`,
    );
    previous = sample;
  }
  const queuedAtStart = TASKS.toLocaleString('en-US');
  console.log(
    `per-task cost: ${result.firstWindowUs.toFixed(1)} µs with about ${queuedAtStart} queued (tasks ${(WINDOW + 1).toLocaleString('en-US')}–${(2 * WINDOW).toLocaleString('en-US')}), ` +
      `${result.lastWindowUs.toFixed(1)} µs with ${WINDOW.toLocaleString('en-US')} queued (last ${WINDOW.toLocaleString('en-US')})`,
  );
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // The parent's flags (`--import tsx`, and `--conditions=@tq/source` when run on the sources).
    const child = spawn(process.execPath, [...process.execArgv, self, ...args], {
      env: { ...process.env, TQ_BENCH_SOAK_CHILD: '1', TQ_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(output.trim().split('\n').at(-1) ?? '') : reject(new Error(`soak worker exited with ${code}`)),
    );
  });
}

/** Child mode: drain the queue with one worker, print the {@link SoakResult} as JSON. */
async function child(): Promise<void> {
  const [, url = '', queue = ''] = process.argv.slice(2);
  const app = createApp({ broker: new RedisBroker({ url }), logger: undefined });
  const tracker = new DrainTracker();
  app.task('bench.noop', async () => null);
  const worker = app.worker({ queues: [queue], concurrency: CONCURRENCY });
  worker.events.on('task-succeeded', () => tracker.tick());
  await worker.start();
  const result = await tracker.finished;
  await worker.close();
  await app.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

if (process.env.TQ_BENCH_SOAK_CHILD) await child();
