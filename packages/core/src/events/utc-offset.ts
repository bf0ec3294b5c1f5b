/**
 * This process's offset from UTC in whole hours WEST of UTC, as Celery's `utcoffset()` sends it
 * (Python's `time.timezone // 3600`, or `time.altzone` during daylight saving time): UTC+2 gives
 * `-2`, UTC-5 gives `5`, UTC+5:30 gives `-6` (floor division, as Python). Receivers shift
 * timestamps by it, so it must be the real local value.
 *
 * @param at the moment whose offset is wanted (daylight saving time changes it). Default now.
 */
export function utcOffset(at: Date = new Date()): number {
  // getTimezoneOffset() is already minutes west of UTC (UTC+2 gives -120); `+ 0` turns -0 into 0.
  return Math.floor(at.getTimezoneOffset() / 60) + 0;
}
