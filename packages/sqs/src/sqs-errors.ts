import { BrokerConnectionError, TqError } from '@tq/core';

/** True for SQS's "no such queue" error, in both its JSON-protocol and legacy query-protocol names. */
export function isQueueMissing(error: unknown): boolean {
  const name = (error as { name?: string; Code?: string } | undefined)?.name;
  const code = (error as { Code?: string } | undefined)?.Code;
  return [name, code].some((n) => n === 'QueueDoesNotExist' || n === 'AWS.SimpleQueueService.NonExistentQueue');
}

/** True when the call was aborted by us (forced close). */
export function isAbort(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'AbortError';
}

/** A driver error as a tq error naming what failed; the SDK error stays as `cause`. */
export function sqsError(what: string, error: unknown): TqError {
  if (TqError.is(error)) return error;
  const e = error as { name?: string; message?: string } | undefined;
  return new BrokerConnectionError(`SQS ${what} failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`, { cause: error });
}
