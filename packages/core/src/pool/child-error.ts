import { SoftTimeLimitExceededError } from '../errors/soft-time-limit-exceeded-error.js';
import { TaskRevokedError } from '../errors/task-revoked-error.js';
import { TqError } from '../errors/tq-error.js';
import type { ErrorClass } from '../task/retry-policy.js';
import type { ChildError } from './child-messages.js';

/** Errors a task commonly ends with in a child, rebuilt as their class in the worker. */
/** See `TqError.is`. */
const TQ_ERROR_MARKER = Symbol.for('tq.error');

const KNOWN: readonly ErrorClass[] = [SoftTimeLimitExceededError, TaskRevokedError];

/** `error` as it crosses from a child (anything thrown, not only Errors). */
export function toChildError(error: unknown): ChildError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return { name: error.name, message: error.message, stack: error.stack, code: TqError.is(error) ? error.code : undefined };
}

/**
 * A child's error rebuilt in the worker: an instance of the class of that name among `classes` (a retry
 * policy's `on` list, so `instanceof` still picks what to retry) or of the usual tq errors, else an Error
 * with its name, message and the child's stack.
 */
export function fromChildError(error: ChildError, classes: readonly ErrorClass[] = []): Error {
  const cls = [...classes, ...KNOWN].find((c) => c.name === error.name);
  const rebuilt: Error = cls ? Object.create(cls.prototype) : new Error(error.message);
  Object.defineProperties(rebuilt, {
    name: { value: error.name, writable: true, configurable: true },
    message: { value: error.message, writable: true, configurable: true },
    stack: { value: error.stack ?? `${error.name}: ${error.message}`, writable: true, configurable: true },
  });
  if (error.code !== undefined) Object.defineProperty(rebuilt, 'code', { value: error.code, enumerable: true });
  // TqError's marker is an instance field, which Object.create skips: `TqError.is` must still hold.
  if (rebuilt instanceof TqError) Object.defineProperty(rebuilt, TQ_ERROR_MARKER, { value: true });
  return rebuilt;
}
