import { TqError } from './tq-error.js';

/**
 * A value with no faithful form on the wire (a Map, `undefined` in a list, NaN, a BigInt, a class
 * instance, a cycle, ...; see ADR 23), refused before anything was sent or stored. The message
 * names the task and the value's path (`task 'reports.build': args[1].when.at is a Map, ...`).
 * A task whose return value is refused ends FAILURE with this error, which Python reads as kombu's
 * `EncodeError`, the error Celery stores in that case.
 */
export class UnencodableValueError extends TqError {
  /** Where the value is, from the encoded root: `[1, 'when', 'at']`. */
  readonly keys: readonly (string | number)[];
  /** What is wrong and what to pass instead: `is a Map, which JSON cannot carry; pass ...`. */
  readonly problem: string;

  constructor(message: string, details: { keys: readonly (string | number)[]; problem: string }) {
    super('TQ_UNENCODABLE_VALUE', message);
    this.keys = details.keys;
    this.problem = details.problem;
  }
}
