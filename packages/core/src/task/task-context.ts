import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { TaskHeaders } from '../spec/task-message.js';

/** The running attempt, as seen from inside a task (`currentTask()`). */
export interface TaskContext {
  /** Task id. */
  readonly id: string;
  /** Registered task name. */
  readonly name: string;
  /** Retries before this attempt (0 on the first). */
  readonly retries: number;
  /** Id of the workflow's first task. */
  readonly rootId: string;
  /** Id of the task that sent this one, if any. */
  readonly parentId: string | null;
  /** Group id when part of a group or chord. */
  readonly groupId: string | null;
  /** The queue it was consumed from. */
  readonly queue: string;
  /** All message headers, custom ones included. */
  readonly headers: Readonly<TaskHeaders>;
  /**
   * Fires when the task should stop: soft time limit (`SoftTimeLimitExceededError`), revoke with
   * terminate (`TaskRevokedError`), hard time limit, or worker shutdown past its grace period.
   * Pass it to fetch/streams, or check `signal.aborted` in loops.
   */
  readonly signal: AbortSignal;
  /**
   * Retry this task later (same id, `retries + 1`): throws, so `return` is not needed. Retries past
   * the policy's `max` (default 3 for manual retries) fail with `error` (or a retry error).
   */
  retry(options?: { countdownMs?: number; error?: unknown; max?: number }): never;
  /**
   * Store a custom state (default `PROGRESS`) with `meta`, visible to `AsyncResult.state()`/`info()`.
   * `meta` must be what the wire carries (see `WireSafe`); anything else is refused with `UnencodableValueError`.
   */
  progress(meta: unknown, state?: string): Promise<void>;
}

const storage = new AsyncLocalStorage<TaskContext>();

/** Run `fn` with `context` as the current task. */
export function runInTaskContext<T>(context: TaskContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current attempt's context; throws outside a task. */
export function currentTask(): TaskContext {
  const context = storage.getStore();
  if (!context) throw new ConfigurationError('currentTask() was called outside a running task.');
  return context;
}

/** The current attempt's context, or undefined outside a task (for parent/root ids of sub-tasks). */
export function maybeCurrentTask(): TaskContext | undefined {
  return storage.getStore();
}
