const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d{1,6})?)?)?)?$/i;

/**
 * Parses an ISO-8601 date as Celery writes it (`eta`, `expires`, `date_done`): with or without
 * microseconds, with `+HH:MM`/`Z` (or `+HH:MM:SS[.ffffff]`, which Python writes for historic local
 * mean times) or naive. Naive values are UTC, as Celery reads them (`maybe_make_aware`). Precision
 * below a millisecond is dropped (a JS Date holds milliseconds).
 *
 * @returns the instant, or `null` when `text` is not such a date.
 */
export function parsePythonDate(text: string): Date | null {
  const match = ISO_DATE.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset] = match;
  const fields = [Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)] as const;
  if (fields[3] > 23 || fields[4] > 59 || fields[5] > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(fields[0], fields[1], fields[2]);
  // setUTCFullYear rolls 2026-02-30 over to March: reject instead.
  if (date.getUTCMonth() !== fields[1] || date.getUTCDate() !== fields[2]) return null;
  date.setUTCHours(fields[3], fields[4], fields[5], Number(fraction.padEnd(3, '0').slice(0, 3)));
  return new Date(date.getTime() - offsetMs(offset));
}

function offsetMs(offset: string | undefined): number {
  if (!offset || offset.toUpperCase() === 'Z') return 0;
  const [hours = '0', minutes = '0', seconds = '0'] = /^.(\d{2}):?(\d{2})?:?(\d{2}(?:\.\d+)?)?$/.exec(offset)?.slice(1) ?? [];
  const ms = Math.trunc((Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000);
  return offset.startsWith('-') ? -ms : ms;
}
