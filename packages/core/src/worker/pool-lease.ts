import { ConfigurationError } from '../errors/configuration-error.js';
import { fromChildError } from '../pool/child-error.js';
import type { ChildOutcome, RunRequest } from '../pool/child-messages.js';
import type { PoolChild } from '../pool/pool-child.js';
import type { TaskPool } from '../pool/task-pool.js';
import type { TaskMessage } from '../spec/task-message.js';
import type { ErrorClass } from '../task/retry-policy.js';
import { RetryRequest } from '../task/retry-request.js';
import type { Task } from '../task/task.js';
import type { Attempt, AttemptLimits, AttemptOutcome } from './attempt.js';
import type { AttemptContext } from './attempt-context.js';
import type { WorkerRuntime } from './worker-runtime.js';

/**
 * A pool child held for one attempt. Taken before the attempt starts, so its time limits count from when
 * a child can run it, not from when it began waiting for one.
 */
export class PoolLease {
  private constructor(
    private readonly pool: TaskPool,
    private readonly child: PoolChild | undefined,
    /** Why no child could be had: the attempt fails with it. */
    private readonly error: unknown,
  ) {}

  /** A child of the `kind` pool (never rejects: a child that cannot start fails the attempt instead). */
  static async take(rt: WorkerRuntime, kind: 'threads' | 'processes'): Promise<PoolLease> {
    const pool = rt.pools.get(kind);
    try {
      return new PoolLease(pool, await pool.acquire(), undefined);
    } catch (error) {
      return new PoolLease(pool, undefined, error);
    }
  }

  /** Not used after all (the worker began closing): the child goes back to the pool. */
  release(): void {
    if (this.child) this.pool.release(this.child);
  }

  /**
   * Run the task in the child under `attempt`'s limits. The attempt's hard limit, terminate and shutdown
   * end it here at once, and then the child is killed (and replaced when next needed): a synchronous loop
   * really stops.
   */
  async run(
    attempt: Attempt,
    context: AttemptContext,
    message: TaskMessage,
    // biome-ignore lint/suspicious/noExplicitAny: tasks of every signature
    task: Task<any, any>,
    limits: AttemptLimits,
  ): Promise<AttemptOutcome> {
    const child = this.child;
    if (!child) return attempt.run(() => Promise.reject(this.error), limits);
    const module = task.options.module;
    if (module === undefined) {
      this.pool.release(child);
      const error = new ConfigurationError(
        `Task '${task.name}' runs in a ${child.kind} pool but tq does not know the module that defines it; set its module option (app.task(name, { module: import.meta.url, ... }, fn)).`,
      );
      return attempt.run(() => Promise.reject(error), limits);
    }
    const h = message.headers;
    const [args, kwargs] = message.body;
    const request: RunRequest = {
      type: 'run',
      module: String(module),
      task: h.task,
      args: [...task.parameters.bind(h.task, args, kwargs)],
      id: h.id,
      retries: h.retries,
      rootId: h.root_id ?? h.id,
      parentId: h.parent_id,
      groupId: h.group,
      queue: context.queue,
      headers: h,
      softMs: limits.softMs,
    };
    const job = this.pool.run(child, request, (meta, state) => context.progress(meta, state));
    const classes = task.options.retry?.on ?? [];
    try {
      return await attempt.run(() => job.result.then((outcome) => taskResultOf(outcome, classes)), limits);
    } finally {
      job.stop();
    }
  }
}

/** The child's outcome as the attempt sees a task's: a value, or a thrown error or retry request. */
function taskResultOf(outcome: ChildOutcome, classes: readonly ErrorClass[]): unknown {
  if (outcome.kind === 'success') return outcome.value;
  if (outcome.kind === 'failure') throw fromChildError(outcome.error, classes);
  throw new RetryRequest(outcome.countdownMs, outcome.error && fromChildError(outcome.error, classes), outcome.max);
}
