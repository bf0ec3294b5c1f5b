import type { ChordError } from '../errors/chord-error.js';
import type { RemoteTaskError } from '../errors/remote-task-error.js';
import type { TaskRevokedError } from '../errors/task-revoked-error.js';
import { TqError } from '../errors/tq-error.js';
import type { UnknownTaskError } from '../errors/unknown-task-error.js';
import type { SerializedError } from '../spec/result-backend.js';

/**
 * Python builtin exception names a JS error may carry. Python rebuilds these as the real class
 * (`cls(*exc_message)`), so only ones constructible from a single message are listed: no
 * Unicode*Error (five args), no SystemExit/KeyboardInterrupt/GeneratorExit (would stop the reader).
 */
const PYTHON_BUILTINS = new Set([
  'Exception',
  'ArithmeticError',
  'AssertionError',
  'AttributeError',
  'BlockingIOError',
  'BrokenPipeError',
  'BufferError',
  'ChildProcessError',
  'ConnectionAbortedError',
  'ConnectionError',
  'ConnectionRefusedError',
  'ConnectionResetError',
  'EOFError',
  'FileExistsError',
  'FileNotFoundError',
  'FloatingPointError',
  'ImportError',
  'IndexError',
  'InterruptedError',
  'IsADirectoryError',
  'KeyError',
  'LookupError',
  'MemoryError',
  'ModuleNotFoundError',
  'NameError',
  'NotADirectoryError',
  'NotImplementedError',
  'OSError',
  'OverflowError',
  'PermissionError',
  'ProcessLookupError',
  'RecursionError',
  'ReferenceError',
  'RuntimeError',
  'StopIteration',
  'SyntaxError',
  'SystemError',
  'TimeoutError',
  'TypeError',
  'UnboundLocalError',
  'ValueError',
  'ZeroDivisionError',
]);

/**
 * A thrown value as Celery's serialized exception (spec §6.4) plus its traceback text, so Python's
 * `AsyncResult.get()` raises a matching exception. JS errors keep their `name` (`exc_module`
 * `builtins` when Python has that builtin, else `tq`); tq errors that mirror Celery ones use
 * Celery's names (`TimeLimitExceeded`, `SoftTimeLimitExceeded`, `TaskRevokedError` with the
 * reason, `NotRegistered` with the task name, `ChordError`, all `celery.exceptions`); a
 * `RemoteTaskError` re-serializes as the original remote error. Anything else thrown becomes a
 * builtin `Exception` with its text.
 */
export function serializeError(error: unknown): { result: SerializedError; traceback: string | null } {
  if (!isErrorLike(error)) {
    return { result: { exc_type: 'Exception', exc_message: [describeThrown(error)], exc_module: 'builtins' }, traceback: null };
  }
  // A remote error keeps the remote traceback, not the stack of the local wrapper.
  const traceback = TqError.is(error, 'TQ_REMOTE_TASK') ? (error as RemoteTaskError).remoteStack : error.stack;
  return { result: toSerialized(error), traceback: traceback ?? null };
}

function toSerialized(error: Error): SerializedError {
  const celery = (exc_type: string, exc_message: unknown[]) => ({ exc_type, exc_message, exc_module: 'celery.exceptions' });
  if (TqError.is(error, 'TQ_TIME_LIMIT_EXCEEDED')) return celery('TimeLimitExceeded', [error.message]);
  if (TqError.is(error, 'TQ_SOFT_TIME_LIMIT_EXCEEDED')) return celery('SoftTimeLimitExceeded', [error.message]);
  if (TqError.is(error, 'TQ_TASK_REVOKED')) return celery('TaskRevokedError', [(error as TaskRevokedError).reason]);
  if (TqError.is(error, 'TQ_UNKNOWN_TASK')) return celery('NotRegistered', [(error as UnknownTaskError).taskName]);
  if (TqError.is(error, 'TQ_CHORD')) return celery('ChordError', [(error as ChordError).message]);
  // Celery's pool raises billiard's: a Python client sees the same class.
  if (TqError.is(error, 'TQ_WORKER_LOST'))
    return { exc_type: 'WorkerLostError', exc_message: [error.message], exc_module: 'billiard.exceptions' };
  if (TqError.is(error, 'TQ_UNENCODABLE_VALUE'))
    return { exc_type: 'EncodeError', exc_message: [error.message], exc_module: 'kombu.exceptions' };
  if (TqError.is(error, 'TQ_REMOTE_TASK')) {
    const remote = error as RemoteTaskError;
    const prefix = `${remote.remoteType}: `;
    const message = remote.message.startsWith(prefix) ? remote.message.slice(prefix.length) : remote.message;
    return { exc_type: remote.remoteType, exc_message: [message], exc_module: remote.remoteModule };
  }
  const name = errorName(error);
  return { exc_type: name, exc_message: [error.message], exc_module: PYTHON_BUILTINS.has(name) ? 'builtins' : 'tq' };
}

/** `class MyError extends Error {}` leaves `name` as 'Error': the constructor name says more. */
function errorName(error: Error): string {
  const ctor = (error.constructor as { name?: unknown } | undefined)?.name;
  if ((error.name === 'Error' || !error.name) && typeof ctor === 'string' && ctor !== '') return ctor;
  return error.name || 'Error';
}

/** Errors from other realms (vm, workers) fail `instanceof Error`. */
function isErrorLike(value: unknown): value is Error {
  if (value instanceof Error) return true;
  return (
    typeof value === 'object' && value !== null && typeof (value as Error).message === 'string' && typeof (value as Error).name === 'string'
  );
}

function describeThrown(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
