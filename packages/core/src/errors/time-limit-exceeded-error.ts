import { TqError } from './tq-error.js';

/** The attempt ran past its hard time limit and was abandoned. */
export class TimeLimitExceededError extends TqError {
  constructor(limitMs: number) {
    super('TQ_TIME_LIMIT_EXCEEDED', `Task exceeded its hard time limit of ${limitMs} ms`);
  }
}
