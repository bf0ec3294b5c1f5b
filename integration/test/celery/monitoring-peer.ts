import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type App, createApp, defaultLogger, type Worker } from '@tq/core';
import { afterAll, beforeAll } from 'vitest';
import { type CeleryWorkerProcess, type FlowerProcess, runCelery, startCeleryWorker, startFlower } from '../../harness/index.js';
import { waitUntil } from '../../harness/wait-until.js';
import type { InteropTarget } from './interop-peer.js';

/** The tq worker's concurrency (its `stats` reply's `max-concurrency`). */
export const monitoringConcurrency = 4;

function defineTasks(app: App, queue: string, running: Map<string, () => void>) {
  const on = { queue };
  return {
    add: app.task('tq.add', on, (x: number, y: number) => x + y),
    fail: app.task('tq.fail', on, (message: string): never => {
      throw new Error(message);
    }),
    /** Runs until the test calls `release(gate)`: a task that is certainly active while a command looks. */
    block: app.task(
      'tq.block',
      on,
      (gate: string) =>
        new Promise<string>((resolve) => {
          running.set(gate, () => resolve(gate));
        }),
    ),
    /** Only the rate-limit scenario sends it, so the limit it sets touches no other scenario. */
    limited: app.task('tq.limited', on, () => Date.now()),
  };
}

/** Everything a monitoring scenario uses: the tq worker, the Celery worker, Flower and the `celery` CLI. */
export interface MonitoringPeer {
  /** The tq worker's queue, unique to this describe. */
  readonly tqQueue: string;
  /** A new queue name unique to this describe (deleted after it). */
  extraQueue(label: string): string;
  /** tq's app: it sends, reads results and control replies, and runs the tq worker. */
  readonly app: App;
  readonly tq: ReturnType<typeof defineTasks>;
  /** The tq worker (task events on, as `tq worker -E`), running for the whole describe. */
  readonly worker: Worker;
  /** The Celery worker's node name (`monitoring-<target>-<suffix>@<host>`). */
  readonly pyNode: string;
  readonly celery: CeleryWorkerProcess;
  readonly flower: FlowerProcess;
  /**
   * `celery -A tq_peer inspect|control <command> <args...> -d <node> --json` on the same broker: the
   * reply of `node`, parsed. Rejects when the command fails or `node` does not answer.
   */
  remote<R = unknown>(kind: 'inspect' | 'control', command: string, args: readonly string[], node: string): Promise<R>;
  /** Resolves once a `tq.block` task with this gate is running (on any tq worker of the app). */
  whenRunning(gate: string): Promise<void>;
  /** Lets the `tq.block` task with this gate return. */
  release(gate: string): void;
}

/**
 * Registers beforeAll/afterAll that start, for one describe: a tq app and worker (task events on)
 * on the target's broker and backend, a Celery worker (`tq_peer`, solo pool) and Flower on the
 * same broker, each named uniquely for the describe; and stop and clean up everything afterwards.
 */
export function monitoringPeer(target: InteropTarget): MonitoringPeer {
  const suffix = randomUUID().slice(0, 8);
  const tqQueue = `monitoring-${target.name}-tq-${suffix}`;
  const pyQueue = `monitoring-${target.name}-py-${suffix}`;
  const queues = [tqQueue, pyQueue];
  const pyName = `monitoring-${target.name}-${suffix}`;
  const pythonEnv = {
    TQ_PEER_BROKER: target.python.broker,
    TQ_PEER_BACKEND: target.python.backend,
    TQ_PEER_TRANSPORT_OPTIONS: JSON.stringify(target.python.transportOptions ?? {}),
    TQ_PEER_PY_QUEUE: pyQueue,
  };
  const running = new Map<string, () => void>();
  const app = createApp({
    broker: target.broker(),
    backend: target.backend,
    defaultQueue: tqQueue,
    // Errors only: the failing task the scenarios send logs a warning.
    logger: defaultLogger().child({}, { level: 'error' }),
  });
  const tq = defineTasks(app, tqQueue, running);
  const worker = app.worker({
    queues: [tqQueue],
    concurrency: monitoringConcurrency,
    hostname: `tq-monitoring-${target.name}-${suffix}@${hostname()}`,
    taskEvents: true,
  });
  let celery: CeleryWorkerProcess | undefined;
  let flower: FlowerProcess | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not running: monitoringPeer's beforeAll failed or has not run`);
    return value;
  };

  beforeAll(async () => {
    const [celeryWorker, flowerProcess, tqWorker] = await Promise.allSettled([
      startCeleryWorker({ app: 'tq_peer', queues: [pyQueue], name: pyName, env: pythonEnv }),
      startFlower({ app: 'tq_peer', name: `flower-${target.name}-${suffix}`, env: pythonEnv }),
      worker.start(),
    ]);
    // Whatever started is stopped by afterAll, even when another part failed to start.
    if (celeryWorker.status === 'fulfilled') celery = celeryWorker.value;
    if (flowerProcess.status === 'fulfilled') flower = flowerProcess.value;
    for (const outcome of [celeryWorker, flowerProcess, tqWorker]) if (outcome.status === 'rejected') throw outcome.reason;
  }, 120_000);

  afterAll(async () => {
    // A scenario that failed half-way may leave a blocked task: let it end rather than wait out the grace period.
    for (const release of running.values()) release();
    await Promise.allSettled([worker.close({ timeoutMs: 10_000 }), celery?.stop(), flower?.stop(5_000)]);
    await app.close();
    await target.deleteQueues(queues);
  }, 60_000);

  return {
    tqQueue,
    extraQueue(label) {
      const queue = `monitoring-${target.name}-${label}-${suffix}`;
      queues.push(queue);
      return queue;
    },
    app,
    tq,
    worker,
    pyNode: `${pyName}@${hostname()}`,
    get celery() {
      return started(celery, 'the Celery worker');
    },
    get flower() {
      return started(flower, 'Flower');
    },
    async remote<R>(kind: 'inspect' | 'control', command: string, args: readonly string[], node: string) {
      // With -d, Celery stops gathering as soon as that node answered; -t is only the ceiling.
      const output = await runCelery('tq_peer', [kind, command, ...args, '-d', node, '-t', '10', '--json'], pythonEnv);
      if (output.code !== 0) throw new Error(`celery ${kind} ${command} exited ${output.code}: ${output.stderr.slice(-2000)}`);
      // inspect prints `{node: reply}`; control prints the broadcast's list, `[{node: reply}]`.
      const parsed = JSON.parse(output.stdout) as Record<string, R> | Record<string, R>[];
      const replies: Record<string, R> = Array.isArray(parsed) ? Object.assign({}, ...parsed) : parsed;
      if (!(node in replies)) throw new Error(`celery ${kind} ${command}: no reply from ${node}: ${output.stdout}`);
      return replies[node] as R;
    },
    async whenRunning(gate) {
      await waitUntil(
        async () => {
          if (!running.has(gate)) throw new Error('not running yet');
        },
        { what: `tq.block(${gate}) to run`, intervalMs: 25 },
      );
    },
    release(gate) {
      running.get(gate)?.();
      running.delete(gate);
    },
  };
}
