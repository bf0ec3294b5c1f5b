import { TqError } from './tq-error.js';

/** The reason of the task's AbortSignal when its soft time limit passes. */
export class SoftTimeLimitExceededError extends TqError {
  constructor(limitMs: number) {
    super('TQ_SOFT_TIME_LIMIT_EXCEEDED', `Task exceeded its soft time limit of ${limitMs} ms`);
  }
}
