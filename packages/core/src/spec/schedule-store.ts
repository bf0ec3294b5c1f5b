import type { ScheduleOptions } from './schedule-options.js';
import type { ScheduleTiming } from './schedule-timing.js';
import type { SignatureJson } from './task-message.js';

/**
 * One periodic entry as stored: its definition and its run state. JSON-safe (dates as ISO strings),
 * so any store can keep it as text.
 */
export interface ScheduleEntry {
  /** Unique name, e.g. `reports.nightly`. */
  name: string;
  /** When it fires. */
  timing: ScheduleTiming;
  /** What it sends: a fully bound signature. */
  signature: SignatureJson;
  /** Its options. */
  options: ScheduleOptions;
  /** `code`: declared by `app.schedule` (re-declared at each start); `runtime`: added by an operator. */
  owner: 'code' | 'runtime';
  /** Paused by an operator. Kept when code re-declares the entry. */
  paused: boolean;
  /** The next tick (UTC ms), or null when it has none left. */
  nextRunAt: number | null;
  /** The last tick handled (sent or skipped), or null. */
  lastRunAt: number | null;
  /** Ticks sent so far. */
  runCount: number;
  /** Task id of the last tick sent, or null. */
  lastTaskId: string | null;
  /** What happened at the last tick: `sent`, or why it was skipped. */
  lastOutcome: string | null;
}

/** The state of one tick's claim. */
export type TickClaim = 'claimed' | 'held' | 'done';

/** What `completeTick` records. */
export interface TickCompletion {
  /** The entry's next tick, or null when it is finished. */
  nextRunAt: number | null;
  /** Whether the tick was sent (counts towards `runCount` and `limit`). */
  sent: boolean;
  /** The tick's task id when sent. */
  taskId: string | null;
  /** `sent`, or why it was not. */
  outcome: string;
}

/**
 * Where schedules and their tick claims live, shared by every scheduler replica. Due entries are
 * found through an index by next run, never by scanning every entry.
 */
export interface ScheduleStore {
  /**
   * Store the entries declared in code (`owner: 'code'`). An existing entry keeps its run state
   * and an operator's pause; its next tick is recomputed only when its timing changed (`nextRunAt`
   * of the given entry is the fresh one). An entry an operator added (`owner: 'runtime'`) with
   * the same name is left alone. Code entries no longer declared are removed.
   */
  sync(entries: readonly ScheduleEntry[]): Promise<void>;
  /** Add or replace an entry (an operator's, `owner: 'runtime'`). */
  put(entry: ScheduleEntry): Promise<void>;
  /** Remove an entry; false when there was none. */
  remove(name: string): Promise<boolean>;
  /** Read one entry. */
  get(name: string): Promise<ScheduleEntry | undefined>;
  /** Every entry, by name. */
  list(): Promise<ScheduleEntry[]>;
  /** Pause or resume; false when there is no such entry. A paused entry is out of the due index. */
  setPaused(name: string, paused: boolean): Promise<boolean>;
  /** Make an entry due now (run-now); false when there is no such entry. */
  runNow(name: string, nowMs: number): Promise<boolean>;
  /** Up to `limit` unpaused entries whose next tick is at or before `nowMs`, earliest first. */
  due(nowMs: number, limit: number): Promise<ScheduleEntry[]>;
  /** The earliest next tick of any unpaused entry, or null. */
  nextDueAt(): Promise<number | null>;
  /**
   * Claim tick `tickMs` of `name` for `leaseMs`: `claimed` (this caller sends it), `held` (another
   * scheduler holds a live claim) or `done` (it was completed). A claim whose holder died expires,
   * so another scheduler sends that tick after at most `leaseMs`.
   */
  claimTick(name: string, tickMs: number, leaseMs: number): Promise<TickClaim>;
  /**
   * Record tick `tickMs` as handled and move the entry to its next tick — only if the entry is
   * still at `tickMs` (a second caller changes nothing). Marks the claim done for `keepMs`.
   */
  completeTick(name: string, tickMs: number, completion: TickCompletion, keepMs: number): Promise<void>;
}
