/**
 * An error as Python's `repr()` shows an exception (`ValueError('bad rate')`): what a Celery node
 * answers when a command raises, so `celery inspect` prints tq's errors the same way.
 */
export function errorRepr(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return `${name}('${message.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}')`;
}
