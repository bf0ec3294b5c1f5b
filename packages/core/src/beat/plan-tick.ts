import type { ScheduleEntry } from '../spec/schedule-store.js';
import { instantOf, nextTick } from './next-tick.js';

/** A tick later than this is missed rather than late (a busy store or event loop delays a tick by less). */
export const MISSED_AFTER_MS = 30_000;
/** Catch-up walks at most this many ticks; past that it takes the newest tick it reached. */
const MAX_WALK = 100_000;

/** What to do with an entry's due tick. */
export interface TickPlan {
  /** Send this tick's task. */
  send: boolean;
  /** `sent`, or why not. */
  outcome: string;
  /** The tick to move the entry to, or null when it has none left. */
  next: number | null;
}

/**
 * Decide about tick `entry.nextRunAt` at `nowMs`: send it or skip it (catch-up policy), and where
 * the entry goes next (skipping straight past ticks that will not be sent, so a scheduler that
 * was down for a day does not walk them one store write at a time).
 */
export function planTick(entry: ScheduleEntry & { nextRunAt: number }, nowMs: number): TickPlan {
  const tick = entry.nextRunAt;
  const { catchUp = 'latest' } = entry.options;
  const after = nextTick(entry.timing, tick);
  const following = bounded(entry, after, 1);
  if (after === null || after > nowMs) {
    const missed = nowMs - tick > (typeof catchUp === 'object' ? catchUp.backfillMs : MISSED_AFTER_MS);
    if (missed && catchUp !== 'latest') return { send: false, outcome: 'missed', next: bounded(entry, after, 0) };
    return { send: true, outcome: 'sent', next: following };
  }
  if (catchUp === 'latest') return { send: false, outcome: 'missed', next: bounded(entry, newestDue(entry, tick, nowMs), 0) };
  if (catchUp === 'skip') return { send: false, outcome: 'missed', next: bounded(entry, nextTick(entry.timing, nowMs), 0) };
  if (tick >= nowMs - catchUp.backfillMs) return { send: true, outcome: 'sent', next: following };
  return { send: false, outcome: 'missed', next: bounded(entry, nextTick(entry.timing, nowMs - catchUp.backfillMs - 1), 0) };
}

/** The first tick a new entry waits for (its `startAt` respected). */
export function firstTick(entry: Pick<ScheduleEntry, 'timing' | 'options'>, nowMs: number): number | null {
  if ('at' in entry.timing) return instantOf(entry.timing.at);
  const startAt = entry.options.startAt === undefined ? nowMs : Math.max(nowMs, instantOf(entry.options.startAt) - 1);
  return nextTick(entry.timing, startAt);
}

/** `tick` unless it is past `endAt` or the entry's `limit` is used up after `sending` more ticks. */
function bounded(entry: ScheduleEntry, tick: number | null, sending: number): number | null {
  const { endAt, limit } = entry.options;
  if (tick === null) return null;
  if (endAt !== undefined && tick >= instantOf(endAt)) return null;
  if (limit !== undefined && entry.runCount + sending >= limit) return null;
  return tick;
}

/** The newest tick at or before `nowMs`, walking on from `tick`. */
function newestDue(entry: ScheduleEntry, tick: number, nowMs: number): number {
  const { timing } = entry;
  if ('everyMs' in timing) {
    const anchor = timing.startAt === undefined ? 0 : instantOf(timing.startAt);
    return anchor + Math.floor((nowMs - anchor) / timing.everyMs) * timing.everyMs;
  }
  let newest = tick;
  for (let i = 0; i < MAX_WALK; i++) {
    const after = nextTick(timing, newest);
    if (after === null || after > nowMs) break;
    newest = after;
  }
  return newest;
}
