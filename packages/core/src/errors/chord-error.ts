import { TqError } from './tq-error.js';

/** A chord whose header failed: names the failed member. */
export class ChordError extends TqError {
  constructor(message: string) {
    super('TQ_CHORD', message);
  }
}
