import { MessageDecodeError } from '../errors/message-decode-error.js';

/**
 * Runs `decode`; a MessageDecodeError from it is prefixed with which task it was and carries the
 * task's id and name when the headers have them.
 */
export function withDecodeContext<T>(headers: Record<string, unknown>, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (!(error instanceof MessageDecodeError)) throw error;
    const taskId = typeof headers.id === 'string' && headers.id !== '' ? headers.id : undefined;
    const taskName = typeof headers.task === 'string' ? headers.task : undefined;
    throw new MessageDecodeError(`Task ${taskId ?? '(no id)'} (${String(headers.task)}): ${error.message}`, {
      cause: error,
      taskId,
      taskName,
    });
  }
}
