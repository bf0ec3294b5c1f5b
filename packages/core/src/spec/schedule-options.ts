/** What happens to ticks that fell due while no scheduler ran (or the store was unreachable). */
export type CatchUp = 'skip' | 'latest' | { backfillMs: number };

/** Options of `app.schedule`. */
export interface ScheduleOptions {
  /**
   * Ticks missed while no scheduler ran: `'latest'` sends the most recent one (Celery beat's
   * behaviour), `'skip'` sends none, `{ backfillMs }` sends each one of the last `backfillMs`,
   * oldest first. A tick counts as missed once it is more than 30 s late (a busy store or event loop delays a tick by less). Default `'latest'`.
   */
  catchUp?: CatchUp;
  /**
   * `'skipIfRunning'`: a tick is not sent while the previous tick's task has no final state yet
   * (needs a result backend; the tick is recorded as skipped). Default `'allow'`.
   */
  overlap?: 'allow' | 'skipIfRunning';
  /**
   * A tick's task expires this long after the tick (stored REVOKED "expired" if no worker started
   * it by then), so a backlog never floods workers with stale runs. Default the time to the next
   * tick; none for a one-off.
   */
  expiresMs?: number;
  /** No tick before this. Default none. */
  startAt?: Date | string;
  /** No tick at or after this. Default none. */
  endAt?: Date | string;
  /** At most this many ticks are sent, then the entry is finished. Default none. */
  limit?: number;
  /** `false` declares the entry without running it (an operator's pause is separate). Default true. */
  enabled?: boolean;
  /** Queue to send to. Default the task's queue. */
  queue?: string;
  /** Message priority 0–9. Default none. */
  priority?: number;
  /** Extra message headers. Default none. */
  headers?: Record<string, unknown>;
}
