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
 */
export class Attempt {
  readonly controller = new AbortController();
  private stop!: (outcome: AttemptOutcome) => void;
  private readonly stopped = new Promise<AttemptOutcome>((resolve) => {
    this.stop = resolve;
  });

  /** Revoked with terminate: abort now; the task is stored REVOKED. */
  terminate(): void {
    this.controller.abort(new TaskRevokedError('terminated'));
    this.stop({ kind: 'terminated' });
  }

  /** Worker stopping past its grace period: abort now; the message goes back to the broker. */
  shutdown(): void {
    this.controller.abort(new WorkerShutdownError());
    this.stop({ kind: 'shutdown' });
  }

  /** Run `fn` (which should observe `controller.signal`) to an outcome. */
  async run(fn: () => Promise<unknown>, limits: AttemptLimits): Promise<AttemptOutcome> {
    const timers: NodeJS.Timeout[] = [];
    if (limits.softMs !== null) {
      const softMs = limits.softMs;
      timers.push(setTimeout(() => this.controller.abort(new SoftTimeLimitExceededError(softMs)), softMs));
    }
    if (limits.hardMs !== null) {
      const hardMs = limits.hardMs;
      timers.push(
        setTimeout(() => {
          const error = new TimeLimitExceededError(hardMs);
          this.controller.abort(error);
          this.stop({ kind: 'failure', error });
        }, hardMs),
      );
    }
    const ran = fn().then(
      (value): AttemptOutcome => ({ kind: 'success', value }),
      (error: unknown): AttemptOutcome =>
        error instanceof RetryRequest ? { kind: 'retry', request: error } : { kind: 'failure', error: this.reasonOf(error) },
    );
    try {
      return await Promise.race([ran, this.stopped]);
    } finally {
      for (const timer of timers) clearTimeout(timer);
    }
  }

  /**
   * Node's own APIs (timers, streams, events) reject with a generic `AbortError` whose `cause` is
   * the signal's reason: report the reason (say, SoftTimeLimitExceeded), which says why it stopped.
   */
  private reasonOf(error: unknown): unknown {
    const signal = this.controller.signal;
    const aborted = signal.aborted && error instanceof Error && error.name === 'AbortError' && error.cause === signal.reason;
    return aborted ? signal.reason : error;
  }
}
