import { RemoteTaskError } from '../errors/remote-task-error.js';
import { isRecord } from './is-record.js';

/**
 * The stored `result` of a failed task (Celery's `{exc_type, exc_message, exc_module}`, spec §6.4)
 * as the {@link RemoteTaskError} that `get()` rejects with. `exc_message` items are joined with
 * `", "`. Tolerates anything: a missing type reads as `Exception`, a non-object result becomes the
 * message.
 */
export function deserializeError(taskId: string, result: unknown, traceback: string | null): RemoteTaskError {
  const fields = isRecord(result) ? result : { exc_message: result };
  const type = typeof fields.exc_type === 'string' && fields.exc_type !== '' ? fields.exc_type : 'Exception';
  const module = typeof fields.exc_module === 'string' ? fields.exc_module : 'builtins';
  return new RemoteTaskError(taskId, type, module, messageText(fields.exc_message), typeof traceback === 'string' ? traceback : null);
}

function messageText(excMessage: unknown): string {
  const items = Array.isArray(excMessage) ? excMessage : excMessage === undefined || excMessage === null ? [] : [excMessage];
  return items.map(itemText).join(', ');
}

function itemText(item: unknown): string {
  if (typeof item === 'string') return item;
  try {
    return JSON.stringify(item) ?? String(item);
  } catch {
    return String(item);
  }
}
