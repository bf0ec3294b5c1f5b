import { TqError } from '../errors/tq-error.js';

/** Thrown by `currentTask().retry()`: the worker republishes the task instead of failing it. */
export class RetryRequest extends TqError {
  constructor(
    readonly countdownMs: number | undefined,
    readonly error: unknown,
    readonly max: number | undefined,
  ) {
    super('TQ_RETRY', `Retry requested${countdownMs !== undefined ? ` in ${countdownMs} ms` : ''}`);
  }
}
