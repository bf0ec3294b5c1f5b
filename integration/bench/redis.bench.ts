/**
 * `pnpm bench redis`: tq (@tq/redis) and BullMQ side by side on the same Redis, in one run.
 *
 * - enqueue: 50k noop tasks in batches of 1000 (tq `publishBatch`, BullMQ `addBulk`)
 * - drain at concurrency 1, 10, 100: a worker in its own process empties a pre-filled queue of 50k
 *   (tq `app.worker`, BullMQ `Worker`); tasks/s from the first task to the last, and its RSS
 * - round trip: one task at a time, send → run → result seen by the sender; p50/p99
 *
 * tq runs a second time at c=100 with task events on (`-E`), with a monitor subscribed to them as
 * Flower would be: the cost of events, against the same BullMQ figure. And four more times at c=100
 * for observability: with metrics on (`TqMetrics`, scraped every second), with the OpenTelemetry SDK
 * registered (every span sampled, a batch processor, a no-op exporter), with both, and with
 * `tracing: false`; every other tq row runs with no SDK (the API's no-ops) and no metrics.
 * BullMQ runs twice at c=100: with its defaults (completed jobs kept, as most apps run it) and with
 * `removeOnComplete: true` (its fastest mode). The last line is the ratio against the defaults.
 * Redis comes from REDIS_URL, else the integration harness starts one (AOF on, fsync every second,
 * like production). Its automatic AOF rewrites are paused during the run and done between phases
 * instead: a rewrite forks and copies the dataset, and on two cores one landing inside a phase at
 * random decides that phase (restored afterwards). TASKS=10000 shortens a run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createApp, createTaskMessage, type OutgoingMessage } from '@tq/core';
import { TqMetrics } from '@tq/metrics';
import { RedisBroker, RedisResultBackend } from '@tq/redis';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { noopTracing } from './noop-tracing.js';
import { percentiles } from './percentiles.js';
import { printTable } from './print-table.js';
import { provideRedis } from './provide-redis.js';

const TASKS = Number(process.env.TASKS ?? 50_000);
const ROUND_TRIPS = 2000;
const BATCH = 1000;
const self = fileURLToPath(import.meta.url);

type Library = 'tq' | 'tq-events' | 'tq-metrics' | 'tq-traced' | 'tq-observed' | 'tq-untraced' | 'bullmq' | 'bullmq-removeOnComplete';

interface DrainResult {
  perSecond: number;
  rssMb: number;
  /** The worker process's CPU time (user + system) per task, first task to last: steadier than tasks/s on a shared machine. */
  cpuUsPerTask: number;
}

/** The benchmark (called by integration/bench/run.ts). */
export async function run(): Promise<void> {
  const { url, stop } = await provideRedis();
  const aof = await AofRewrites.pause(url);
  try {
    const rows: string[][] = [];
    await aof.rewriteNow();
    const enqueueTq = await enqueueTqTasks(url, `bench-tq-${randomUUID().slice(0, 8)}`, TASKS);
    await aof.rewriteNow();
    const enqueueBull = await enqueueBullJobs(url, `bench-bull-${randomUUID().slice(0, 8)}`, TASKS, false);
    rows.push(['enqueue (tasks/s, batches of 1000)', fmt(enqueueTq), fmt(enqueueBull), ratio(enqueueTq, enqueueBull)]);

    const drains = new Map<string, DrainResult>();
    for (const concurrency of [1, 10, 100]) {
      const tq = await drain(url, 'tq', concurrency, aof);
      const bull = await drain(url, 'bullmq', concurrency, aof);
      drains.set(`tq-${concurrency}`, tq);
      drains.set(`bull-${concurrency}`, bull);
      rows.push([`drain c=${concurrency} (tasks/s)`, fmt(tq.perSecond), fmt(bull.perSecond), ratio(tq.perSecond, bull.perSecond)]);
    }
    const tuned = await drain(url, 'bullmq-removeOnComplete', 100, aof);
    rows.push([
      'drain c=100 vs BullMQ removeOnComplete',
      fmt(drains.get('tq-100')?.perSecond ?? 0),
      fmt(tuned.perSecond),
      ratio(drains.get('tq-100')?.perSecond ?? 0, tuned.perSecond),
    ]);
    const monitored = await drainWithEvents(url, aof);
    rows.push([
      'drain c=100, task events on + monitor (tasks/s)',
      fmt(monitored.perSecond),
      fmt(drains.get('bull-100')?.perSecond ?? 0),
      ratio(monitored.perSecond, drains.get('bull-100')?.perSecond ?? 0),
    ]);
    rows.push(['  events the monitor received', String(monitored.events), '-', '-']);
    // Observability: the rows above run with no SDK registered (the API's no-ops) and no metrics.
    const observedCpu: string[] = [`plain ${drains.get('tq-100')?.cpuUsPerTask.toFixed(0)}`];
    const plain = drains.get('tq-100')?.perSecond ?? 0;
    for (const [library, label] of [
      ['tq-metrics', 'metrics on + scraped every 1 s'],
      ['tq-traced', 'tracing on, no-op exporter'],
      ['tq-observed', 'metrics and tracing on'],
      ['tq-untraced', 'tracing: false'],
    ] as const) {
      const observed = await drain(url, library, 100, aof);
      const bull = drains.get('bull-100')?.perSecond ?? 0;
      rows.push([`drain c=100, ${label} (tasks/s)`, fmt(observed.perSecond), fmt(bull), ratio(observed.perSecond, bull)]);
      rows.push([`  cost vs drain c=100 plain`, `${(100 * (1 - observed.perSecond / plain)).toFixed(1)} %`, '-', '-']);
      observedCpu.push(`${label} ${observed.cpuUsPerTask.toFixed(0)}`);
    }
    for (const concurrency of [1, 100]) {
      const tq = drains.get(`tq-${concurrency}`) as DrainResult;
      const bull = drains.get(`bull-${concurrency}`) as DrainResult;
      rows.push([`worker RSS after drain c=${concurrency} (MB)`, tq.rssMb.toFixed(0), bull.rssMb.toFixed(0), ratio(tq.rssMb, bull.rssMb)]);
    }

    await aof.rewriteNow();
    const tqLatency = await roundTripsTq(url);
    await aof.rewriteNow();
    const bullLatency = await roundTripsBull(url);
    rows.push(['round trip p50 (ms)', tqLatency.p50.toFixed(3), bullLatency.p50.toFixed(3), ratio(tqLatency.p50, bullLatency.p50)]);
    rows.push(['round trip p99 (ms)', tqLatency.p99.toFixed(3), bullLatency.p99.toFixed(3), ratio(tqLatency.p99, bullLatency.p99)]);

    printTable(['', 'tq', 'BullMQ', 'tq/BullMQ'], rows);
    const c100 = (drains.get('tq-100')?.perSecond ?? 0) / (drains.get('bull-100')?.perSecond ?? 1);
    console.log(`tq/bullmq drain ratio c=100: ${c100.toFixed(2)}`);
    console.log(`tq worker CPU per task at c=100 (µs): ${observedCpu.join(', ')}`);
  } finally {
    await aof.resume();
    await stop();
  }
}

/** Moves Redis' automatic AOF rewrites between the phases (see the header). */
class AofRewrites {
  private constructor(
    private readonly client: Redis,
    private readonly percentage: string,
  ) {}

  static async pause(url: string): Promise<AofRewrites> {
    const client = new Redis(url);
    const [, percentage = '100'] = (await client.config('GET', 'auto-aof-rewrite-percentage')) as string[];
    await client.config('SET', 'auto-aof-rewrite-percentage', '0');
    return new AofRewrites(client, percentage);
  }

  /** Rewrite the AOF now and wait until it is done, so the next phase starts on a compact file. */
  async rewriteNow(): Promise<void> {
    await this.client.bgrewriteaof().catch(() => {}); // "already in progress" is fine: we wait for it
    for (;;) {
      const info = await this.client.info('persistence');
      if (info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrite_scheduled:0')) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async resume(): Promise<void> {
    await this.client.config('SET', 'auto-aof-rewrite-percentage', this.percentage);
    this.client.disconnect();
  }
}

/** REDIS_URL, or a redis-server from the integration harness. */
function noopMessages(queue: string, count: number): OutgoingMessage[] {
  return Array.from({ length: count }, () => ({ queue, message: createTaskMessage({ task: 'bench.noop', id: randomUUID(), args: [] }) }));
}

/** tq enqueue rate: message creation, encoding and sending all count. */
async function enqueueTqTasks(url: string, queue: string, count: number): Promise<number> {
  const broker = new RedisBroker({ url });
  await broker.connect();
  try {
    const started = performance.now();
    for (let i = 0; i < count; i += BATCH) await broker.publishBatch(noopMessages(queue, Math.min(BATCH, count - i)));
    const perSecond = count / ((performance.now() - started) / 1000);
    await broker.deleteQueue(queue);
    return perSecond;
  } finally {
    await broker.close();
  }
}

async function enqueueBullJobs(url: string, name: string, count: number, removeOnComplete: boolean): Promise<number> {
  const queue = new Queue(name, { connection: connectionOf(url) });
  try {
    const started = performance.now();
    for (let i = 0; i < count; i += BATCH) {
      const jobs = Array.from({ length: Math.min(BATCH, count - i) }, () => ({
        name: 'noop',
        data: {},
        opts: removeOnComplete ? { removeOnComplete: true } : {},
      }));
      await queue.addBulk(jobs);
    }
    return count / ((performance.now() - started) / 1000);
  } finally {
    if (!process.env.TQ_BENCH_KEEP) await queue.obliterate({ force: true });
    await queue.close();
  }
}

/** Fill a queue, then drain it with a worker in its own process. */
async function drain(url: string, library: Library, concurrency: number, aof: AofRewrites): Promise<DrainResult> {
  const name = `bench-${library}-${randomUUID().slice(0, 8)}`;
  if (library.startsWith('tq')) {
    const broker = new RedisBroker({ url });
    await broker.connect();
    for (let i = 0; i < TASKS; i += BATCH) await broker.publishBatch(noopMessages(name, Math.min(BATCH, TASKS - i)));
    await broker.close();
  } else {
    const queue = new Queue(name, { connection: connectionOf(url) });
    const opts = library === 'bullmq-removeOnComplete' ? { removeOnComplete: true } : {};
    for (let i = 0; i < TASKS; i += BATCH)
      await queue.addBulk(Array.from({ length: Math.min(BATCH, TASKS - i) }, () => ({ name: 'noop', data: {}, opts })));
    await queue.close();
  }
  await aof.rewriteNow();
  const result = JSON.parse(await runChild(['drain', library, url, name, String(concurrency), String(TASKS)])) as DrainResult;
  await cleanUp(url, library, name);
  return result;
}

/** `drain('tq-events', 100)` while this process listens to the events, as Flower would. */
async function drainWithEvents(url: string, aof: AofRewrites): Promise<DrainResult & { events: number }> {
  const monitor = createApp({ broker: new RedisBroker({ url }), logger: undefined });
  let events = 0;
  const stop = await monitor.events.subscribe((event) => {
    if (event.type.startsWith('task-')) events++;
  });
  try {
    return { ...(await drain(url, 'tq-events', 100, aof)), events };
  } finally {
    await stop();
    await monitor.close();
  }
}

async function cleanUp(url: string, library: Library, name: string): Promise<void> {
  if (library.startsWith('tq')) {
    const broker = new RedisBroker({ url });
    await broker.connect();
    await broker.deleteQueue(name);
    await broker.close();
    return;
  }
  const queue = new Queue(name, { connection: connectionOf(url) });
  await queue.obliterate({ force: true });
  await queue.close();
}

/** Sequential send → run → result seen, with a tq worker (and result backend) in another process. */
async function roundTripsTq(url: string): Promise<{ p50: number; p99: number }> {
  const queue = `bench-rt-tq-${randomUUID().slice(0, 8)}`;
  const child = startChild(['serve', 'tq', url, queue, '10', '0']);
  await child.ready;
  const app = createApp({ broker: new RedisBroker({ url }), backend: new RedisResultBackend({ url }), logger: undefined });
  const noop = app.task('bench.noop', async () => null);
  try {
    const samples: number[] = [];
    for (let i = 0; i < ROUND_TRIPS + 200; i++) {
      const started = performance.now();
      const result = await noop.applyAsync([], { queue });
      await result.get({ timeoutMs: 5000 });
      if (i >= 200) samples.push(performance.now() - started); // the first 200 warm up both sides
    }
    return percentiles(samples);
  } finally {
    await app.close();
    child.process.kill();
    await cleanUp(url, 'tq', queue);
  }
}

async function roundTripsBull(url: string): Promise<{ p50: number; p99: number }> {
  const name = `bench-rt-bull-${randomUUID().slice(0, 8)}`;
  const child = startChild(['serve', 'bullmq', url, name, '10', '0']);
  await child.ready;
  const queue = new Queue(name, { connection: connectionOf(url) });
  const events = new QueueEvents(name, { connection: connectionOf(url) });
  await events.waitUntilReady();
  try {
    const samples: number[] = [];
    for (let i = 0; i < ROUND_TRIPS + 200; i++) {
      const started = performance.now();
      const job = await queue.add('noop', {});
      await job.waitUntilFinished(events, 5000);
      if (i >= 200) samples.push(performance.now() - started);
    }
    return percentiles(samples);
  } finally {
    await events.close();
    await queue.close();
    child.process.kill();
    await cleanUp(url, 'bullmq', name);
  }
}

// ---- child processes: a worker per library, measured on its own event loop ----

function childArgs(args: string[]): string[] {
  return ['--import', 'tsx', self, ...args];
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, childArgs(args), {
      env: { ...process.env, TQ_BENCH_CHILD: '1', TQ_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve(output.trim().split('\n').at(-1) ?? '')
        : reject(new Error(`bench worker ${args.join(' ')} exited with ${code}`)),
    );
  });
}

function startChild(args: string[]): { process: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, childArgs(args), {
    env: { ...process.env, TQ_BENCH_CHILD: '1', TQ_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
  });
  return { process: child, ready };
}

/** Child mode: `drain` prints `{ perSecond, rssMb, cpuUsPerTask }` once `count` tasks ran; `serve` runs until killed. */
async function child(): Promise<void> {
  const [mode, library = 'tq', url = '', queue = '', concurrencyText = '1', countText = '0'] = process.argv.slice(2);
  const concurrency = Number(concurrencyText);
  const count = Number(countText);
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  // Timed from the first task to the last: connecting and loading code are not throughput.
  let started = 0;
  let cpuStarted = process.cpuUsage();
  const onTask = () => {
    if (done === 0) {
      started = performance.now();
      cpuStarted = process.cpuUsage();
    }
    if (++done === count) finish();
  };
  let close: () => Promise<void>;
  if (library.startsWith('tq')) {
    if (library === 'tq-traced' || library === 'tq-observed') noopTracing();
    const app = createApp({
      broker: new RedisBroker({ url }),
      backend: mode === 'serve' ? new RedisResultBackend({ url }) : undefined,
      logger: undefined,
      tracing: library === 'tq-untraced' ? false : {},
    });
    app.task('bench.noop', async () => {
      onTask();
      return null;
    });
    const worker = app.worker({ queues: [queue], concurrency, taskEvents: library === 'tq-events' });
    const metrics = library === 'tq-metrics' || library === 'tq-observed' ? new TqMetrics(app, { worker }) : undefined;
    await metrics?.start();
    const scrapes = metrics && setInterval(() => void metrics.metrics(), 1000);
    await worker.start();
    close = async () => {
      clearInterval(scrapes);
      metrics?.close();
      await worker.close();
      await app.close();
    };
  } else {
    const worker = new Worker(queue, async () => onTask(), { connection: connectionOf(url), concurrency });
    await worker.waitUntilReady();
    close = () => worker.close();
  }
  if (mode === 'serve') {
    process.stdout.write('ready\n');
    return;
  }
  await finished;
  const perSecond = (count - 1) / ((performance.now() - started) / 1000);
  const cpu = process.cpuUsage(cpuStarted);
  const cpuUsPerTask = (cpu.user + cpu.system) / (count - 1);
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  process.stdout.write(`${JSON.stringify({ perSecond, rssMb, cpuUsPerTask })}\n`);
  await close();
  process.exit(0);
}

// ---- helpers ----

function connectionOf(url: string): { host: string; port: number; maxRetriesPerRequest: null } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 6379), maxRetriesPerRequest: null };
}

function fmt(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

function ratio(tq: number, bull: number): string {
  return bull > 0 ? (tq / bull).toFixed(2) : '-';
}

if (process.env.TQ_BENCH_CHILD) await child();
