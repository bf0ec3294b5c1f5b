import { SoftTimeLimitExceededError } from '../errors/soft-time-limit-exceeded-error.js';
import { TaskRevokedError } from '../errors/task-revoked-error.js';
import { TimeLimitExceededError } from '../errors/time-limit-exceeded-error.js';
import { WorkerShutdownError } from '../errors/worker-shutdown-error.js';
import { RetryRequest } from '../task/retry-request.js';

/** How one attempt ended. */
export type AttemptOutcome =
  | { kind: 'success'; value: unknown }
  | { kind: 'failure'; error: unknown }
  | { kind: 'retry'; request: RetryRequest }
  | { kind: 'terminated' }
  | { kind: 'shutdown' };

/** Time limits of one attempt, in ms. */
export interface AttemptLimits {
  hardMs: number | null;
  softMs: number | null;
}

/**
 * One run of a task function under its limits. JavaScript cannot kill a running promise, so a
 * hard limit, a terminate or a shutdown ends the ATTEMPT at once (the worker moves on) and aborts
 * the task's signal so a cooperative task stops too.
 *
 * The AbortController is made when somebody reads `signal` (most tasks never do): at tens of
 * thousands of tasks a second, one per attempt shows in profiles. An abort before that is kept and
 * the signal is born aborted.
 */
export class Attempt {
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private aborted = false;
  private end: ((outcome: AttemptOutcome) => void) | undefined;
  /** Set by the first of: the task settling, a hard limit, terminate, shutdown (even before `run`). */
  private outcome: AttemptOutcome | undefined;
  private softTimer: NodeJS.Timeout | undefined;
  private hardTimer: NodeJS.Timeout | undefined;

  constructor(
    /** The task's name, for what the worker reports about its running attempts. */
    readonly task: string,
    /** Runs in a pool child, so it cannot block the worker's event loop. Default false (inline). */
    readonly pooled = false,
  ) {}

  /** Fires on soft/hard time limit, terminate and shutdown; see `TaskContext.signal`. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Revoked with terminate: abort now; the task is stored REVOKED. */
  terminate(): void {
    this.abort(new TaskRevokedError('terminated'));
    this.finish({ kind: 'terminated' });
  }

  /** Worker stopping past its grace period: abort now; the message goes back to the broker. */
  shutdown(): void {
    this.abort(new WorkerShutdownError());
    this.finish({ kind: 'shutdown' });
  }

  /**
   * The task's code raised an error nobody handled (an unhandled rejection or an uncaught exception
   * in its async context): the attempt fails with it and its signal aborts. False when the attempt
   * had already ended (the error came too late to change its outcome).
   */
  crash(error: unknown): boolean {
    if (this.outcome) return false;
    this.abort(error);
    this.finish({ kind: 'failure', error });
    return true;
  }

  /**
   * Run `fn` (which should observe `signal`) to an outcome. `fn` may return a value or a promise,
   * and may throw.
   */
  run(fn: () => unknown, limits: AttemptLimits): Promise<AttemptOutcome> {
    return new Promise<AttemptOutcome>((resolve) => {
      if (this.outcome) return resolve(this.outcome);
      this.end = resolve;
      if (limits.softMs !== null) {
        const softMs = limits.softMs;
        this.softTimer = setTimeout(() => this.abort(new SoftTimeLimitExceededError(softMs)), softMs);
      }
      if (limits.hardMs !== null) {
        const hardMs = limits.hardMs;
        this.hardTimer = setTimeout(() => {
          const error = new TimeLimitExceededError(hardMs);
          this.abort(error);
          this.finish({ kind: 'failure', error });
        }, hardMs);
      }
      let returned: unknown;
      try {
        returned = fn();
      } catch (error) {
        return this.failed(error);
      }
      if (isThenable(returned)) returned.then(this.succeeded, this.failed);
      else this.succeeded(returned);
    });
  }

  /** A task that returns nothing has the result null: Python's None, what the wire and a chain's next step carry. */
  private readonly succeeded = (value: unknown): void => this.finish({ kind: 'success', value: value === undefined ? null : value });

  private readonly failed = (error: unknown): void =>
    this.finish(error instanceof RetryRequest ? { kind: 'retry', request: error } : { kind: 'failure', error: this.reasonOf(error) });

  /** The first outcome wins: a late result after a hard limit or terminate is ignored. */
  private finish(outcome: AttemptOutcome): void {
    if (this.outcome) return;
    this.outcome = outcome;
    clearTimeout(this.softTimer);
    clearTimeout(this.hardTimer);
    this.end?.(outcome);
  }

  private abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  /**
   * Node's own APIs (timers, streams, events) reject with a generic `AbortError` whose `cause` is
   * the signal's reason: report the reason (say, SoftTimeLimitExceeded), which says why it stopped.
   */
  private reasonOf(error: unknown): unknown {
    const aborted = this.aborted && error instanceof Error && error.name === 'AbortError' && error.cause === this.abortReason;
    return aborted ? this.abortReason : error;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
