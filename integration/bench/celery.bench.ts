/**
 * `pnpm bench celery`: tq beside Python Celery 5.7 (the pinned peer, integration/python/requirements.txt)
 * on the same Redis and the same RabbitMQ, in one run; one table per broker with tq/Celery ratios.
 *
 * - drain: a queue pre-filled with N no-op tasks (TASKS_REDIS and TASKS_AMQP, default 5,000 each:
 *   Celery drains a few hundred a second on a loaded 2-core machine, and the whole bench should take
 *   minutes) is emptied by one worker started after the fill: tq (`concurrency` 8) and Celery with
 *   the prefork and the threads pool (`-c 8`), every worker with prefetch multiplier 4 (both
 *   defaults) and without per-task logging. Tasks/s is (N − 1) / the time from the first task's
 *   completion to the last, taken inside the worker by the task itself (tq-bench-worker.ts, and
 *   tq_bench.py's shared-memory counter across the prefork processes), so worker start-up and
 *   connecting are outside it for both. The task ignores its result: a drain measures the broker path.
 * - round trip: one call at a time, send → run → result read back (Redis backend on both brokers),
 *   p50/p99 over 300 calls after 50 of warm-up. "own client" is tq's client against tq's worker
 *   and Python's (`delay().get()`) against Celery's; "tq client" sends from tq to each worker, so
 *   the worker is the only difference between columns.
 *
 * Fairness: every queue is filled by the same producer, tq's `publishBatch`, with the same Celery
 * protocol v2 messages (`ignore_result` set; `createTaskMessage` mirrors Celery's `as_task_v2`), so
 * Celery consumes the bytes tq does; the fill is not timed. Each worker runs in its own process. Celery keeps its other defaults, among them acknowledging a message
 * when received (tq acknowledges after the task ran: one ack per message either way).
 *
 * On a 2-core machine Celery's prefork pool is 8 processes sharing 2 cores (plus the consumer
 * process feeding them over pipes), its threads pool 8 threads under one GIL; tq's 8 slots are
 * async functions on one event loop. The rows are interleaved per broker (tq, prefork, threads) so
 * all three see the same machine; BENCH_ROUNDS (default 1) repeats the drains and keeps each one's best.
 * Celery's Redis consumer (kombu) makes three synchronous Redis round trips per message from one
 * loop (BRPOP, a MULTI to record it as unacked, another to ack it; seen with cProfile), so its Redis
 * rate follows Redis latency and falls far below its RabbitMQ rate on a loaded machine.
 *
 * Redis and RabbitMQ come from REDIS_URL / AMQP_URL, else the integration harness starts them; the
 * Python virtualenv is built on first use (python-venv.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createApp, createTaskMessage } from '@tq/core';
import { RedisBroker } from '@tq/redis';
import { connect } from 'amqplib';
import { runPythonScript, startCeleryWorker } from '../harness/celery-peer.js';
import { harnessEnv } from '../harness/harness-env.js';
import { stateDir } from '../harness/paths.js';
import { ensurePythonVenv } from '../harness/python-venv.js';
import { startBrokers } from '../harness/start-brokers.js';
import { waitUntil } from '../harness/wait-until.js';
import { percentiles } from './percentiles.js';
import { printTable } from './print-table.js';

const CONCURRENCY = 8;
const ROUND_TRIPS = 300;
const WARM_UP = 50;
const BATCH = 1_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const tqWorkerScript = fileURLToPath(new URL('./tq-bench-worker.ts', import.meta.url));

type Pool = 'prefork' | 'threads';
const pools: readonly Pool[] = ['prefork', 'threads'];

interface Target {
  label: string;
  brokerUrl: string;
  backendUrl: string;
  tasks: number;
}

interface Latency {
  p50: number;
  p99: number;
}

/** The benchmark (called by integration/bench/run.ts). */
export async function run(): Promise<void> {
  process.env.TQ_LOG_LEVEL ??= 'warn';
  // celery-peer.ts starts Python from the venv named here (the vitest global setup sets it for tests).
  process.env[harnessEnv.python] = await ensurePythonVenv();
  const brokers = await startBrokers({
    services: ['redis', 'amqp'],
    stateFile: `${stateDir}/runs/bench-celery-${process.pid}.json`,
    required: true,
  });
  try {
    const { REDIS_URL: redisUrl = '', AMQP_URL: amqpUrl = '' } = brokers.env();
    const targets: Target[] = [
      { label: 'Redis', brokerUrl: redisUrl, backendUrl: redisUrl, tasks: Number(process.env.TASKS_REDIS ?? 5_000) },
      { label: 'RabbitMQ', brokerUrl: amqpUrl, backendUrl: redisUrl, tasks: Number(process.env.TASKS_AMQP ?? 5_000) },
    ];
    for (const target of targets) await compare(target);
  } finally {
    await brokers.stop();
  }
}

async function compare(target: Target): Promise<void> {
  const load = loadavg()[0] ?? 0;
  const best = { tq: 0, prefork: 0, threads: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    best.tq = Math.max(best.tq, await drainTq(target));
    for (const pool of pools) best[pool] = Math.max(best[pool], await drainCelery(target, pool));
  }
  const tqLatency = await latencyTq(target);
  const celeryLatency = { prefork: await latencyCelery(target, 'prefork'), threads: await latencyCelery(target, 'threads') };

  const row = (what: string, tq: number, celery: (pool: Pool) => number, format: (n: number) => string) => [
    what,
    format(tq),
    ...pools.flatMap((pool) => [format(celery(pool)), (tq / celery(pool)).toFixed(2)]),
  ];
  const ms = (n: number) => n.toFixed(2);
  console.log(
    `\n${target.label}: ${target.tasks.toLocaleString('en-US')} no-op tasks, concurrency ${CONCURRENCY}, ` +
      `${availableParallelism()} cores (load average ${load.toFixed(1)} at the start), best of ${ROUNDS} round(s); round trips: ${ROUND_TRIPS} sequential calls after ` +
      `${WARM_UP} of warm-up, Redis results\n`,
  );
  printTable(
    ['', 'tq', 'Celery prefork', 'tq/prefork', 'Celery threads', 'tq/threads'],
    [
      row(
        'drain (tasks/s)',
        best.tq,
        (pool) => best[pool],
        (n) => Math.round(n).toLocaleString('en-US'),
      ),
      row('round trip p50, own client (ms)', tqLatency.p50, (pool) => celeryLatency[pool].own.p50, ms),
      row('round trip p99, own client (ms)', tqLatency.p99, (pool) => celeryLatency[pool].own.p99, ms),
      row('round trip p50, tq client (ms)', tqLatency.p50, (pool) => celeryLatency[pool].tqClient.p50, ms),
      row('round trip p99, tq client (ms)', tqLatency.p99, (pool) => celeryLatency[pool].tqClient.p99, ms),
    ],
  );
  console.log('tq/Celery above 1: tq drains faster; below 1 on a round trip: tq answers sooner.');
  console.log(
    `tq/Celery drain ratio on ${target.label}: ${pools.map((pool) => `${pool} ${(best.tq / best[pool]).toFixed(2)}`).join(', ')}`,
  );
}

// ---- drains ----

/** Fills a new queue with `tasks` bench.noop messages, the same bytes for every worker. */
async function prefill(target: Target, system: string): Promise<string> {
  const queue = `bench-celery-${system}-${randomUUID().slice(0, 8)}`;
  const app = createApp({ broker: target.brokerUrl });
  try {
    const broker = await app.broker();
    for (let sent = 0; sent < target.tasks; sent += BATCH) {
      const messages = Array.from({ length: Math.min(BATCH, target.tasks - sent) }, () => ({
        queue,
        message: createTaskMessage({ task: 'bench.noop', id: randomUUID(), ignoreResult: true }),
      }));
      await broker.publishBatch(messages);
    }
  } finally {
    await app.close();
  }
  return queue;
}

async function drainTq(target: Target): Promise<number> {
  const queue = await prefill(target, 'tq');
  const worker = startTqWorker(target, queue, target.tasks);
  try {
    const line = await waitUntil(
      async () => {
        const done = worker
          .output()
          .split('\n')
          .find((l) => l.startsWith('{'));
        if (!done) throw new Error(`${worker.output().split('\n').length - 1} lines so far`);
        return done;
      },
      { what: `the tq worker to drain ${target.tasks} tasks`, timeoutMs: drainTimeoutMs(target), abortIf: worker.abortIfExited },
    );
    return perSecond(JSON.parse(line) as DrainSpan);
  } finally {
    await worker.stop();
    await deleteQueue(target, queue);
  }
}

async function drainCelery(target: Target, pool: Pool): Promise<number> {
  const queue = await prefill(target, pool);
  const dir = mkdtempSync(`${tmpdir()}/tq-bench-celery-`);
  const doneFile = `${dir}/done.json`;
  const worker = await startCeleryWorker({
    app: 'tq_bench',
    queues: [queue],
    name: `bench-${pool}-${randomUUID().slice(0, 8)}`,
    pool,
    concurrency: CONCURRENCY,
    env: { ...celeryEnv(target, queue), TQ_BENCH_COUNT: String(target.tasks), TQ_BENCH_DONE_FILE: doneFile },
  });
  try {
    await waitUntil(
      async () => {
        if (!existsSync(doneFile)) throw new Error(`not done; its log ends:\n${worker.log().slice(-2000)}`);
      },
      { what: `Celery ${pool} to drain ${target.tasks} tasks`, timeoutMs: drainTimeoutMs(target) },
    );
    return perSecond(JSON.parse(readFileSync(doneFile, 'utf8')) as DrainSpan);
  } finally {
    await worker.stop();
    rmSync(dir, { recursive: true, force: true });
    await deleteQueue(target, queue);
  }
}

interface DrainSpan {
  count: number;
  seconds: number;
}

/** Completions after the first, over the time since it. */
function perSecond(span: DrainSpan): number {
  return (span.count - 1) / span.seconds;
}

/** Generous: 200 tasks/s would be far below either system even on a loaded machine. */
function drainTimeoutMs(target: Target): number {
  return 60_000 + (target.tasks / 200) * 1000;
}

// ---- round trips ----

async function latencyTq(target: Target): Promise<Latency> {
  const queue = `bench-celery-rt-tq-${randomUUID().slice(0, 8)}`;
  const worker = startTqWorker(target, queue, 0);
  try {
    await waitUntil(
      async () => {
        if (!worker.output().includes('ready')) throw new Error('not ready yet');
      },
      { what: 'the tq worker to start', abortIf: worker.abortIfExited },
    );
    return await roundTripsFromTq(target, queue);
  } finally {
    await worker.stop();
    await deleteQueue(target, queue);
  }
}

async function latencyCelery(target: Target, pool: Pool): Promise<{ own: Latency; tqClient: Latency }> {
  const queue = `bench-celery-rt-${pool}-${randomUUID().slice(0, 8)}`;
  const env = celeryEnv(target, queue);
  const worker = await startCeleryWorker({
    app: 'tq_bench',
    queues: [queue],
    name: `bench-rt-${pool}-${randomUUID().slice(0, 8)}`,
    pool,
    concurrency: CONCURRENCY,
    env,
  });
  try {
    const output = await runPythonScript('tq_bench.py', ['round-trips', String(ROUND_TRIPS), String(WARM_UP)], env);
    const own = percentiles(JSON.parse(output) as number[]);
    return { own, tqClient: await roundTripsFromTq(target, queue) };
  } finally {
    await worker.stop();
    await deleteQueue(target, queue);
  }
}

/** tq's client: `bench.ping` sent and its result awaited, one call at a time. */
async function roundTripsFromTq(target: Target, queue: string): Promise<Latency> {
  const app = createApp({ broker: target.brokerUrl, backend: target.backendUrl, defaultQueue: queue });
  const ping = app.task('bench.ping', () => null);
  try {
    const samples: number[] = [];
    for (let i = 0; i < WARM_UP + ROUND_TRIPS; i++) {
      const started = performance.now();
      await (await ping.delay()).get({ timeoutMs: 10_000 });
      if (i >= WARM_UP) samples.push(performance.now() - started);
    }
    return percentiles(samples);
  } finally {
    await app.close();
  }
}

// ---- workers and queues ----

function celeryEnv(target: Target, queue: string): Record<string, string> {
  return { TQ_BENCH_BROKER: target.brokerUrl, TQ_BENCH_BACKEND: target.backendUrl, TQ_BENCH_QUEUE: queue };
}

/** tq-bench-worker.ts in its own process; `count` 0 serves round trips until stopped. */
function startTqWorker(target: Target, queue: string, count: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', tqWorkerScript, target.brokerUrl, target.backendUrl, queue, String(CONCURRENCY), String(count)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return {
    output: () => output,
    abortIfExited: () => {
      if (child.exitCode !== null && child.exitCode !== 0) throw new Error(`the tq bench worker exited with ${child.exitCode}`);
    },
    /** Kills it unless it exited by itself, and waits, so it cannot overlap the next measurement. */
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

/** A drained queue still exists (RabbitMQ) or leaves its binding key (Redis): removed, as brokers may come from a URL. */
async function deleteQueue(target: Target, queue: string): Promise<void> {
  if (target.brokerUrl.startsWith('amqp')) {
    const connection = await connect(target.brokerUrl);
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await channel.deleteExchange(queue);
    await connection.close();
    return;
  }
  const broker = new RedisBroker({ url: target.brokerUrl });
  await broker.connect();
  await broker.deleteQueue(queue);
  await broker.close();
}
