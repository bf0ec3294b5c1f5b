/**
 * The exception label of a failure: the error's class name (celery-exporter's `exception`, OTel's
 * `error.type`), `Error` for plain errors, the JavaScript type for thrown non-errors.
 */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? error.name : error.constructor.name;
  return error === undefined ? '' : typeof error;
}
