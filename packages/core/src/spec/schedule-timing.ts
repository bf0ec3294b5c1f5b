/**
 * When a schedule fires. Every instant is UTC; a cron entry's wall-clock times are read in its
 * IANA zone (see `nextTick` for the daylight-saving rules).
 */
export type ScheduleTiming = CronTiming | IntervalTiming | OnceTiming;

/** A cron expression: 5 fields (minute precision) or 6 (seconds first). */
export interface CronTiming {
  /** E.g. `0 3 * * *`, `*\/15 * * * *`, `30 0 9 * * MON-FRI`. */
  cron: string;
  /** IANA zone the fields are read in. Default `UTC`, so a schedule means the same on every host. */
  tz?: string;
}

/** Every `everyMs`, aligned to clock slots (`60_000` fires at each whole minute, on every replica alike). */
export interface IntervalTiming {
  /** The period in ms, at least 1000 (a tick is claimed through the store, which costs a round trip). */
  everyMs: number;
  /** Where the slots are counted from (ISO string in the store). Default the Unix epoch, so slots are whole multiples. */
  startAt?: Date | string;
}

/** Once, at this instant. */
export interface OnceTiming {
  /** The instant (ISO string in the store). */
  at: Date | string;
}
