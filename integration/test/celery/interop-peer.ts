import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type App, type Broker, createApp, currentTask, defaultLogger } from '@tq/core';
import { afterAll, beforeAll } from 'vitest';
import { type CeleryWorkerProcess, startCeleryWorker } from '../../harness/index.js';
import { waitUntil } from '../../harness/wait-until.js';
import { PythonDriver, type PythonOutcome } from './python-driver.js';

/** Where one describe of the interop suite runs: tq's side and the Celery app's side of the same broker and backend. */
export interface InteropTarget {
  /** Short name, part of queue and node names (letters, digits and `-`: SQS takes nothing else). */
  name: string;
  /** tq's broker: a URL or a new, unconnected broker object. */
  broker(): string | Broker;
  /** tq's result backend URL. */
  backend: string;
  /** The Celery app's broker URL, result backend URL and `broker_transport_options` (integration/python/tq_peer.py). */
  python: { broker: string; backend: string; transportOptions?: Record<string, unknown> };
  /** Deletes what the broker keeps for these queues. */
  deleteQueues(queues: readonly string[]): Promise<void>;
}

/** A Celery canvas node as the Python driver builds it (see tq_driver.py). */
export type PythonNode =
  | {
      task: string;
      args?: unknown[];
      kwargs?: Record<string, unknown>;
      queue?: string;
      immutable?: boolean;
      options?: Record<string, unknown>;
      link?: PythonNode;
      link_error?: PythonNode;
    }
  | { chain: PythonNode[] }
  | { group: PythonNode[] }
  | { chord: PythonNode[]; body: PythonNode };

/** What a tq task saw of a value: its type and its text (ISO for Dates, hex for bytes). */
export interface ValueSeen {
  type: string;
  text: string;
}

/** Raised by `tq.fail`: a JS error type of tq's own, whose name Python must receive. */
class InteropError extends Error {
  override name = 'InteropError';
}

function seen(value: unknown): ValueSeen {
  if (value instanceof Date) return { type: 'Date', text: value.toISOString() };
  if (value instanceof Uint8Array) return { type: value.constructor.name, text: Buffer.from(value).toString('hex') };
  return { type: typeof value, text: typeof value === 'string' ? value : JSON.stringify(value) };
}

function defineTasks(app: App, tqQueue: string, pyQueue: string, records: InteropRecords) {
  const on = { queue: tqQueue };
  const onPy = { queue: pyQueue };
  const py = {
    add: app.remoteTask<[x: number, y: number], number>('py.add', onPy),
    mul: app.remoteTask<[x: number, y: number], number>('py.mul', onPy),
    double: app.remoteTask<[x: number], number>('py.double', onPy),
    collect: app.remoteTask<[values: unknown[]], unknown[]>('py.collect', onPy),
    fail: app.remoteTask<[message: string], never>('py.fail', onPy),
    kwargs: app.remoteTask<[a: number, b?: number, c?: number], { a: number; b: number; c: number }>('py.kwargs', onPy),
    echoTypes: app.remoteTask<unknown[], { args: ValueSeen[] }>('py.echo_types', onPy),
    flaky: app.remoteTask<[failures: number], number>('py.flaky', onPy),
    stamp: app.remoteTask<[], number>('py.stamp', onPy),
    callTq: app.remoteTask<[task: string, args: unknown[], queue: string], string>('py.call_tq', onPy),
    errback: app.remoteTask<[failedTaskId: string], { failed: string }>('py.errback', onPy),
  };
  return {
    py,
    tq: {
      add: app.task('tq.add', on, (x: number, y: number) => x + y),
      mul: app.task('tq.mul', on, (x: number, y: number) => x * y),
      double: app.task('tq.double', on, (x: number) => x * 2),
      tsum: app.task('tq.tsum', on, (values: number[]) => values.reduce((a, b) => a + b, 0)),
      collect: app.task('tq.collect', on, (values: unknown[]) => values),
      fail: app.task('tq.fail', on, (kind: 'custom' | 'builtin', message: string): never => {
        throw kind === 'custom' ? new InteropError(message) : new TypeError(message);
      }),
      kwargs: app.task('tq.kwargs', on, (a: number, b: number, c: number) => ({ a, b, c })),
      echoTypes: app.task('tq.echo_types', on, (...values: unknown[]) => values.map(seen)),
      flaky: app.task('tq.flaky', on, (failures: number) => {
        const task = currentTask();
        if (task.retries < failures) task.retry({ countdownMs: 200, max: 5 });
        return task.retries;
      }),
      stamp: app.task('tq.stamp', on, () => Date.now()),
      record: app.task('tq.record', on, (value: unknown, label: string) => {
        records.calls.push({ label, value, parentId: currentTask().parentId });
      }),
      errback: app.task('tq.errback', on, (failedTaskId: string) => {
        records.calls.push({ label: 'errback', value: failedTaskId, parentId: currentTask().parentId });
      }),
      callPy: app.task('tq.call_py', on, async (x: number, y: number) => (await py.add.delay(x, y)).id),
      tick: app.task('tq.tick', on, () => {
        records.ticks.push(Date.now());
      }),
    },
  };
}

/** What tq tasks with side effects recorded, in the order they ran. */
export interface InteropRecords {
  calls: { label: string; value: unknown; parentId: string | null }[];
  ticks: number[];
}

/** Everything a scenario uses: both workers, the Python producer, tq's app and its tasks. */
export interface InteropPeer {
  readonly target: InteropTarget;
  /** The tq worker's queue and the Celery worker's queue, unique to this describe. */
  readonly tqQueue: string;
  readonly pyQueue: string;
  /** A new queue name unique to this describe (deleted after it). */
  extraQueue(label: string): string;
  /** tq's app: it sends and reads results, and runs the tq worker. */
  readonly app: App;
  readonly tq: ReturnType<typeof defineTasks>['tq'];
  /** tq's handles on the Python tasks (they run on the Celery worker only). */
  readonly py: ReturnType<typeof defineTasks>['py'];
  readonly records: InteropRecords;
  /** The Python producer. */
  readonly driver: PythonDriver;
  readonly celery: CeleryWorkerProcess;
  /** The `TQ_PEER_*` environment of the Celery app (for more Celery processes, e.g. beat). */
  readonly pythonEnv: Record<string, string>;
  /** A Python signature of a tq task (on the tq queue). */
  tqNode(task: string, args?: unknown[], extra?: Omit<Extract<PythonNode, { task: string }>, 'task' | 'args'>): PythonNode;
  /** A Python signature of a Python task (on the Python queue). */
  pyNode(task: string, args?: unknown[], extra?: Omit<Extract<PythonNode, { task: string }>, 'task' | 'args'>): PythonNode;
  /** Sends `node` from Python; answers its id (a chord's: its body's) and a group's member ids. */
  pyApply(node: PythonNode): Promise<{ id: string; children?: string[] }>;
  /** Python's `AsyncResult(id).get()`: the value, or the exception it raised. */
  pyGet<T = unknown>(id: string, timeoutS?: number): Promise<PythonOutcome<T>>;
  /** Makes the Celery worker consume `queue` too (a remote-control broadcast, as `celery control add_consumer`). */
  addCeleryConsumer(queue: string): Promise<void>;
  /** Resolves once a tq task recorded `count` calls labelled `label`; answers those calls. */
  recorded(label: string, count?: number): Promise<InteropRecords['calls']>;
}

/**
 * Registers beforeAll/afterAll that start, for one describe: a tq app and worker on the target's
 * broker and backend, a Celery worker (`tq_peer`, threads pool, 4 threads) and the Python driver,
 * each on queues unique to the describe; and stop and clean up everything afterwards. Scenarios
 * read the returned peer inside their tests.
 */
export function interopPeer(target: InteropTarget): InteropPeer {
  const suffix = randomUUID().slice(0, 8);
  const tqQueue = `interop-${target.name}-tq-${suffix}`;
  const pyQueue = `interop-${target.name}-py-${suffix}`;
  const celeryName = `interop-${target.name}-${suffix}`;
  const queues = [tqQueue, pyQueue];
  const pythonEnv = {
    TQ_PEER_BROKER: target.python.broker,
    TQ_PEER_BACKEND: target.python.backend,
    TQ_PEER_TRANSPORT_OPTIONS: JSON.stringify(target.python.transportOptions ?? {}),
    TQ_PEER_PY_QUEUE: pyQueue,
  };
  const records: InteropRecords = { calls: [], ticks: [] };
  const app = createApp({
    broker: target.broker(),
    backend: target.backend,
    defaultQueue: tqQueue,
    // Errors only: the scenarios' expected task failures log warnings; a rejected message still shows.
    logger: defaultLogger().child({}, { level: 'error' }),
  });
  const tasks = defineTasks(app, tqQueue, pyQueue, records);
  const worker = app.worker({ queues: [tqQueue], concurrency: 20 });
  let driver: PythonDriver | undefined;
  let celery: CeleryWorkerProcess | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not running: interopPeer's beforeAll failed or has not run`);
    return value;
  };

  beforeAll(async () => {
    const [python, celeryWorker, tqWorker] = await Promise.allSettled([
      PythonDriver.start(pythonEnv),
      startCeleryWorker({
        app: 'tq_peer',
        queues: [pyQueue],
        name: celeryName,
        pool: 'threads',
        concurrency: 4,
        env: pythonEnv,
      }),
      worker.start(),
    ]);
    // Whatever started is stopped by afterAll, even when another part failed to start.
    if (python.status === 'fulfilled') driver = python.value;
    if (celeryWorker.status === 'fulfilled') celery = celeryWorker.value;
    for (const outcome of [python, celeryWorker, tqWorker]) if (outcome.status === 'rejected') throw outcome.reason;
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([worker.close({ timeoutMs: 10_000 }), driver?.close(), celery?.stop()]);
    await app.close();
    await target.deleteQueues(queues);
  }, 60_000);

  const node =
    (queue: string) =>
    (task: string, args: unknown[] = [], extra: Omit<Extract<PythonNode, { task: string }>, 'task' | 'args'> = {}): PythonNode => ({
      task,
      args,
      queue,
      ...extra,
    });

  return {
    target,
    tqQueue,
    pyQueue,
    extraQueue(label) {
      const queue = `interop-${target.name}-${label}-${suffix}`;
      queues.push(queue);
      return queue;
    },
    app,
    tq: tasks.tq,
    py: tasks.py,
    records,
    get driver() {
      return started(driver, 'the Python driver');
    },
    get celery() {
      return started(celery, 'the Celery worker');
    },
    pythonEnv,
    tqNode: node(tqQueue),
    pyNode: node(pyQueue),
    pyApply(applied) {
      return started(driver, 'the Python driver').request('apply', { node: applied });
    },
    async pyGet<T>(id: string, timeoutS = 60) {
      const { value, error } = await started(driver, 'the Python driver').request<PythonOutcome<T>>(
        'get',
        { id, timeout: timeoutS },
        (timeoutS + 30) * 1000,
      );
      return (error ? { error } : { value }) as PythonOutcome<T>;
    },
    async addCeleryConsumer(queue) {
      const { replies } = await started(driver, 'the Python driver').request<{ replies: Record<string, { ok?: string }>[] }>(
        'add_consumer',
        // Only the Celery worker: the tq worker answers add_consumer too, and would take the queue.
        { queue, destination: [`${celeryName}@${hostname()}`] },
      );
      const answers = replies.flatMap((reply) => Object.values(reply));
      if (answers.length !== 1 || !answers[0]?.ok)
        throw new Error(`the Celery worker did not start consuming ${queue}: ${JSON.stringify(replies)}`);
    },
    recorded(label, count = 1) {
      return waitUntil(
        async () => {
          const calls = records.calls.filter((call) => call.label === label);
          if (calls.length < count) throw new Error(`${calls.length} of ${count} recorded`);
          return calls;
        },
        { what: `tq to record ${count} '${label}' call(s)`, intervalMs: 25 },
      );
    },
  };
}
