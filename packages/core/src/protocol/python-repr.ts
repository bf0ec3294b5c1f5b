import { argsRepr } from './repr.js';
import { serializeError } from './serialize-error.js';

/**
 * Python `repr()` of one value, as Celery's `safe_repr` writes a task's result into events:
 * `5`, `'done'`, `{'a': [1, 2]}`, `None`. Truncated past 1024 characters like `argsRepr`.
 */
export function pythonRepr(value: unknown): string {
  // A one-element tuple is always `(<repr>,)`: its inside is the value's repr.
  return argsRepr([value]).slice(1, -2);
}

/**
 * Python `repr()` of a thrown value, as Celery sends `exception` in `task-failed`: the class name
 * Python would rebuild (see `serializeError`: `ValueError`, `TimeLimitExceeded`, a JS error's own
 * name) with its arguments, e.g. `TypeError('kaboom')`.
 */
export function exceptionRepr(error: unknown): string {
  const { exc_type, exc_message } = serializeError(error).result;
  const args = argsRepr(exc_message);
  // Python prints an exception with one argument without the tuple's trailing comma.
  return `${exc_type}${exc_message.length === 1 ? `${args.slice(0, -2)})` : args}`;
}
