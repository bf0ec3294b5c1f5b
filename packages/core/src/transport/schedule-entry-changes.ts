import type { ScheduleEntry, TickCompletion } from '../spec/schedule-store.js';

/**
 * How a schedule store changes entries, as pure functions every store shares (memory://, Redis):
 * a store only has to apply them atomically.
 */
export const scheduleEntryChanges = {
  /**
   * `fresh` (declared in code) over `old`: an operator's entry (`runtime`) stays as it is; otherwise
   * the definition is the fresh one and the run state the old one — its next tick too, unless the
   * timing changed.
   */
  merged(old: ScheduleEntry | undefined, fresh: ScheduleEntry): ScheduleEntry {
    if (!old) return fresh;
    if (old.owner === 'runtime') return old;
    const sameTiming = JSON.stringify(old.timing) === JSON.stringify(fresh.timing);
    const { paused, lastRunAt, runCount, lastTaskId, lastOutcome } = old;
    return { ...fresh, paused, lastRunAt, runCount, lastTaskId, lastOutcome, nextRunAt: sameTiming ? old.nextRunAt : fresh.nextRunAt };
  },

  /** `entry` after tick `tickMs` was handled, or undefined when it is no longer at that tick (handled already). */
  completed(entry: ScheduleEntry, tickMs: number, completion: TickCompletion): ScheduleEntry | undefined {
    if (entry.nextRunAt !== tickMs) return undefined;
    return {
      ...entry,
      nextRunAt: completion.nextRunAt,
      lastRunAt: tickMs,
      runCount: entry.runCount + (completion.sent ? 1 : 0),
      lastTaskId: completion.sent ? completion.taskId : entry.lastTaskId,
      lastOutcome: completion.outcome,
    };
  },

  /** The entry's place in the due index (its next tick), or null when it cannot fire (paused, disabled, finished). */
  dueAt(entry: ScheduleEntry): number | null {
    return entry.paused || entry.options.enabled === false ? null : entry.nextRunAt;
  },
};
