/**
 * A date as Python's `datetime.isoformat()` writes it in UTC: microseconds (omitted when zero, as
 * Python does) and, when `aware`, a `+00:00` offset. Message `eta`/`expires` are aware
 * (`2026-11-21T10:45:46.457000+00:00`); Celery 5.2–5.4 `date_done` is naive (`aware: false`).
 *
 * @throws RangeError for an invalid date.
 */
export function formatPythonDate(date: Date, options: { aware: boolean }): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Cannot format an invalid Date');
  const fraction = date.getUTCMilliseconds();
  const micros = fraction === 0 ? '' : `.${String(fraction).padStart(3, '0')}000`;
  return `${date.toISOString().slice(0, 19)}${micros}${options.aware ? '+00:00' : ''}`;
}
