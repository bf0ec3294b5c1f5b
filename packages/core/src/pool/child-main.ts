/**
 * The entry of a pool child, thread or process: it receives tasks from its worker, imports the module that
 * defined each (once), finds the task by name and runs it, bridging `currentTask()` (progress, signal,
 * retry), the default logger and in-process transports (`memory://` sends and results) back to the
 * worker. One task at a time: the pool sends the next only after `done`. Not exported; the pool starts it.
 */
import { getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort } from 'node:worker_threads';
import { SoftTimeLimitExceededError } from '../errors/soft-time-limit-exceeded-error.js';
import { setPoolChildLink } from '../runtime/pool-child-link.js';
import { definedTask } from '../task/defined-tasks.js';
import { RetryRequest } from '../task/retry-request.js';
import { runInTaskContext } from '../task/task-context.js';
import { fromChildError, toChildError } from './child-error.js';
import type { ChildMessage, ChildOutcome, ParentMessage, RunRequest } from './child-messages.js';
import { ChildTaskContext } from './child-task-context.js';

const send: (message: ChildMessage) => void = parentPort
  ? (message) => parentPort?.postMessage(message)
  : (message) => process.send?.(message);

/** Progress writes and forwarded calls waiting for the worker's answer, by sequence number. */
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextSeq = 0;

setPoolChildLink({
  log: (line) => send({ type: 'log', line }),
  call: (target, method, args) => askWorker((seq) => send({ type: 'call', seq, target, method, args })),
});
/** Set by `load`: measuring costs a read of /proc per task (as long as a short task's own messages). */
let measureMemory = false;
/** Modules imported so far (each once: importing defines its tasks). */
const imported = new Map<string, Promise<unknown>>();

function onMessage(message: ParentMessage): void {
  if (message.type === 'progress-stored' || message.type === 'called') {
    const answered = waiting.get(message.seq);
    waiting.delete(message.seq);
    if (message.error) answered?.reject(fromChildError(message.error));
    else answered?.resolve(message.type === 'called' ? message.value : undefined);
    return;
  }
  if (message.type === 'load') {
    measureMemory = message.measureMemory;
    // Before `ready`, so no task's runtime or time limit includes importing its module.
    Promise.allSettled(message.modules.map(importOnce)).then(() => send({ type: 'ready' }));
    return;
  }
  run(message).then(
    (outcome) => send({ type: 'done', outcome, memoryBytes: memoryBytes() }),
    // Only a result that cannot be sent lands here: report it as the task's failure.
    (error: unknown) => send({ type: 'done', outcome: { kind: 'failure', error: toChildError(error) }, memoryBytes: memoryBytes() }),
  );
}

async function run(request: RunRequest): Promise<ChildOutcome> {
  const context = new ChildTaskContext(request, (meta, state) => storeProgress(meta, state));
  let softTimer: NodeJS.Timeout | undefined;
  try {
    const task = await taskNamed(request);
    // Timed from the call, not from the module's import (a new child's first task imports it).
    const { softMs } = request;
    if (softMs !== null) softTimer = setTimeout(() => context.abort(new SoftTimeLimitExceededError(softMs)), softMs);
    const value = await runInTaskContext(context, () => task.fn(...request.args));
    return { kind: 'success', value: value === undefined ? null : value };
  } catch (thrown) {
    if (thrown instanceof RetryRequest) {
      const { countdownMs, error, max } = thrown;
      return { kind: 'retry', countdownMs, max, error: error === undefined ? undefined : toChildError(error) };
    }
    return { kind: 'failure', error: toChildError(reasonOf(thrown, context.signal)) };
  } finally {
    clearTimeout(softTimer);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: tasks of every signature
async function taskNamed(request: RunRequest): Promise<{ fn: (...args: any[]) => unknown }> {
  await importOnce(request.module);
  const task = definedTask(request.task);
  if (!task)
    throw new Error(
      `importing ${request.module} in the pool child defined no task named '${request.task}'; define it at the top level of that module, or set the task's module option to the module that defines it`,
    );
  return task;
}

/** Import `module` the first time; later calls share that import (and its error, if it threw). */
function importOnce(module: string): Promise<unknown> {
  let loading = imported.get(module);
  if (!loading) {
    loading = import(module);
    imported.set(module, loading);
  }
  return loading;
}

async function storeProgress(meta: unknown, state: string): Promise<void> {
  await askWorker((seq) => send({ type: 'progress', seq, meta, state }));
}

/** Send a message numbered `seq` and settle with the worker's answer to it. */
function askWorker(sendNumbered: (seq: number) => void): Promise<unknown> {
  const seq = nextSeq++;
  return new Promise((resolve, reject) => {
    waiting.set(seq, { resolve, reject });
    sendNumbered(seq);
  });
}

/** Node's APIs reject with a generic AbortError whose cause is the signal's reason: report the reason. */
function reasonOf(error: unknown, signal: AbortSignal): unknown {
  const aborted = signal.aborted && error instanceof Error && error.name === 'AbortError' && error.cause === signal.reason;
  return aborted ? signal.reason : error;
}

/** A process's resident memory; a thread's own heap (its process's rss counts every thread); undefined when not asked. */
function memoryBytes(): number | undefined {
  if (!measureMemory) return undefined;
  return isMainThread ? process.memoryUsage.rss() : getHeapStatistics().used_heap_size;
}

if (parentPort) parentPort.on('message', onMessage);
else process.on('message', (message) => onMessage(message as ParentMessage));
