import { TqError } from './tq-error.js';

/** A task called with arguments its function cannot take (e.g. too few). */
export class InvalidArgumentsError extends TqError {
  constructor(message: string) {
    super('TQ_INVALID_ARGUMENTS', message);
  }
}
