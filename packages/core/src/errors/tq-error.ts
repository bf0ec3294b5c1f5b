/** Every tq error code. A code is stable API: match on it, not on messages. */
export type TqErrorCode =
  | 'TQ_CONFIGURATION'
  | 'TQ_TRANSPORT_NOT_INSTALLED'
  | 'TQ_UNSUPPORTED_CAPABILITY'
  | 'TQ_MESSAGE_DECODE'
  | 'TQ_UNKNOWN_TASK'
  | 'TQ_INVALID_ARGUMENTS'
  | 'TQ_PAYLOAD_TOO_LARGE'
  | 'TQ_UNENCODABLE_VALUE'
  | 'TQ_CANVAS_TOO_LARGE'
  | 'TQ_TIME_LIMIT_EXCEEDED'
  | 'TQ_SOFT_TIME_LIMIT_EXCEEDED'
  | 'TQ_TASK_REVOKED'
  | 'TQ_CHORD'
  | 'TQ_REMOTE_TASK'
  | 'TQ_RESULT_TIMEOUT'
  | 'TQ_BROKER_CONNECTION'
  | 'TQ_RETRY'
  | 'TQ_WORKER_SHUTDOWN'
  | 'TQ_WORKER_LOST'
  | 'TQ_ACTION_REFUSED';

const MARKER = Symbol.for('tq.error');

/**
 * The root of every error tq throws. `code` identifies the kind; `cause` keeps the original
 * (driver) error. `TqError.is(e)` works across duplicate installs of `@tq/core`, where
 * `instanceof` would not.
 */
export class TqError extends Error {
  readonly [MARKER] = true;
  readonly code: TqErrorCode;

  constructor(code: TqErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** True for any tq error, optionally of one code, even from another copy of `@tq/core`. */
  static is(error: unknown, code?: TqErrorCode): error is TqError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (code === undefined || (error as TqError).code === code)
    );
  }
}
