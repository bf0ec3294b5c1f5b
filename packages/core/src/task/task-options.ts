import type { RetryPolicy } from './retry-policy.js';

/** How a task runs, set once where it is defined. */
export interface TaskOptions {
  /** Queue its calls go to. Default: the app's default queue (`celery`, as in Python). */
  queue?: string;
  /** Automatic retries. Default: none. */
  retry?: RetryPolicy;
  /** Hard limit: the attempt fails with `TimeLimitExceededError` and the worker moves on. Default: none. */
  timeLimitMs?: number;
  /** Soft limit: the task's `signal` aborts with `SoftTimeLimitExceededError`. Default: none. */
  softTimeLimitMs?: number;
  /** Per-worker rate, `N/s`, `N/m` or `N/h` (like Celery). Default: unlimited. */
  rateLimit?: string;
  /** Store no result. Default false. */
  ignoreResult?: boolean;
  /** Default priority of its calls (0–9, higher first). Default: none (the broker's default). */
  priority?: number;
}
