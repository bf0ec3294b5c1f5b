import { setTimeout as sleep } from 'node:timers/promises';
import { Backoff, TqError } from '@tq/core';

/** First wait after a failed start, doubling up to the most. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * Start `service` (a worker or a scheduler), retrying while its broker or backend is unreachable (Celery's
 * `broker_connection_retry_on_startup`): a worker deployed before its broker, or restarted during
 * an outage, waits instead of exiting. Each failed attempt prints one line saying what it waits for
 * and when it tries again. Anything but a connection error (a bad URL, a missing package) is not
 * retried. Resolves false when `stopping()` became true meanwhile.
 */
export async function startWithRetry(
  service: { start(): Promise<void> },
  where: string,
  say: (line: string) => void,
  stopping: () => boolean,
): Promise<boolean> {
  const backoff = new Backoff(FIRST_RETRY_MS, MAX_RETRY_MS);
  for (;;) {
    try {
      await service.start();
      return true;
    } catch (error) {
      if (!TqError.is(error, 'TQ_BROKER_CONNECTION') || stopping()) throw error;
      const waitMs = backoff.next();
      say(`waiting for the broker at ${where}: ${(error as Error).message}; retrying in ${waitMs / 1000} s\n`);
      await sleep(waitMs);
      if (stopping()) return false;
    }
  }
}
