/** Options of `app.beat()` (and `tq beat`). */
export interface BeatOptions {
  /**
   * How long a claimed tick is this scheduler's alone. When it dies mid-tick, another scheduler
   * sends that tick after at most this (plus one poll). Default 10 s: longer than a slow publish
   * on a loaded host, short enough that a lost tick is late rather than missed.
   */
  claimLeaseMs?: number;
  /**
   * Longest sleep between looks at the store, so entries added by an operator, run-now requests
   * and ticks whose claimer died are seen promptly. Default 1 s.
   */
  pollMs?: number;
  /** Due entries handled per look at the store. Default 500. */
  batchSize?: number;
  /** Due entries handled at once. Default 16. */
  concurrency?: number;
  /** The clock (tests). Default `Date.now`. */
  now?: () => number;
}
