import type { PoolKind } from './pool-kind.js';
import type { RetryPolicy } from './retry-policy.js';

/** How a task runs, set once where it is defined. */
export interface TaskOptions {
  /** Queue its calls go to. Default: the app's default queue (`celery`, as in Python). */
  queue?: string;
  /** Automatic retries. Default: none. */
  retry?: RetryPolicy;
  /**
   * Hard limit: the attempt fails with `TimeLimitExceededError` and the worker moves on; in a thread or
   * process pool the child is killed too (inline, JavaScript cannot stop a running function). Default: none.
   */
  timeLimitMs?: number;
  /** Soft limit: the task's `signal` aborts with `SoftTimeLimitExceededError`. Default: none. */
  softTimeLimitMs?: number;
  /** Per-worker rate, `N/s`, `N/m` or `N/h` (like Celery). Default: unlimited. */
  rateLimit?: string;
  /** Store no result. Default false. */
  ignoreResult?: boolean;
  /** Default priority of its calls (0–9, higher first). Default: none (the broker's default). */
  priority?: number;
  /**
   * How many times a message of this task may be delivered without being settled before the
   * worker dead-letters it ("delivered N times without finishing (worker lost each time)") and
   * stores FAILURE: a task that kills or blocks its worker every time stops re-running. Counts
   * only deliveries whose worker was lost (crash, or a blocked event loop that let the visibility
   * timeout pass); retries, eta hops and shutdowns do not count. A positive integer or `Infinity`.
   * Default: the worker's `maxDeliveries` (10).
   */
  maxDeliveries?: number;
  /**
   * Where its code runs: `inline` on the worker's event loop, `threads` or `processes` for CPU-bound work
   * (a hard time limit then terminates and replaces the thread or process). Default: the worker's `pool`.
   */
  pool?: PoolKind;
  /**
   * The module a pool child imports to find this task (importing it must define the task). Default: the
   * module that called `app.task(...)`, found from the call site; set it when a helper defines tasks for you.
   */
  module?: string | URL;
  /**
   * When the thread or process running it dies (`WorkerLostError`), give the message back to the broker to
   * run again instead of failing the attempt (Celery's `task_reject_on_worker_lost`). Default false, as in
   * Celery: a task that always kills its child would otherwise run again and again.
   */
  rejectOnWorkerLost?: boolean;
}
