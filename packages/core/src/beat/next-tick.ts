import { Cron } from 'croner';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { ScheduleTiming } from '../spec/schedule-timing.js';

/**
 * The first tick of `timing` strictly after `afterMs` (UTC ms), or `null` when there is none.
 *
 * Daylight saving (the rules of Vixie cron, implemented by croner): an entry whose second, minute
 * and hour fields have no wildcard or step is *fixed-time* — it fires once when its wall-clock
 * time occurs twice (the first time), and at the first valid instant after a skipped hour. Every
 * other entry (`*\/15 * * * *`, `0 *\/2 * * *`) follows elapsed time: it skips wall-clock times that
 * do not exist and fires on both occurrences of repeated ones. Intervals count UTC milliseconds.
 */
export function nextTick(timing: ScheduleTiming, afterMs: number): number | null {
  if ('cron' in timing) return cronOf(timing.cron, timing.tz).nextRun(new Date(afterMs))?.getTime() ?? null;
  if ('everyMs' in timing) {
    const anchor = timing.startAt === undefined ? 0 : instantOf(timing.startAt);
    if (afterMs < anchor) return anchor;
    return anchor + (Math.floor((afterMs - anchor) / timing.everyMs) + 1) * timing.everyMs;
  }
  const at = instantOf(timing.at);
  return at > afterMs ? at : null;
}

/** Throws a `ConfigurationError` naming schedule `name` when `timing` cannot work. */
export function checkTiming(name: string, timing: ScheduleTiming): void {
  const where = `schedule '${name}'`;
  if ('cron' in timing) {
    if (timing.tz !== undefined && !isZone(timing.tz)) {
      throw new ConfigurationError(`${where}: '${timing.tz}' is not an IANA time zone (e.g. 'Europe/Berlin', 'America/New_York', 'UTC')`);
    }
    try {
      cronOf(timing.cron, timing.tz);
    } catch (error) {
      throw new ConfigurationError(`${where}: cron '${timing.cron}' is not valid: ${(error as Error).message}`, { cause: error });
    }
  } else if ('everyMs' in timing) {
    if (!Number.isInteger(timing.everyMs) || timing.everyMs < 1000) {
      throw new ConfigurationError(`${where}: everyMs must be a whole number of ms, at least 1000 (got ${timing.everyMs})`);
    }
    if (timing.startAt !== undefined) checkInstant(where, 'startAt', timing.startAt);
  } else if ('at' in timing) {
    checkInstant(where, 'at', timing.at);
  } else {
    throw new ConfigurationError(`${where}: give { cron, tz? }, { everyMs, startAt? } or { at }`);
  }
}

/** The instant of a Date or an ISO string. */
export function instantOf(value: Date | string): number {
  return typeof value === 'string' ? Date.parse(value) : value.getTime();
}

const crons = new Map<string, Cron>();

/** Parsed crons are kept: a scheduler with many entries asks for the same ones over and over. */
function cronOf(expression: string, tz = 'UTC'): Cron {
  const key = `${tz} ${expression}`;
  let cron = crons.get(key);
  if (!cron) {
    // 'no-wildcard': a list or range of fixed times (`0 9,17 * * *`) is fixed-time too, as in Vixie cron.
    cron = new Cron(expression, { timezone: tz, mode: '5-or-6-parts', fixedTimeRule: 'no-wildcard', paused: true });
    crons.set(key, cron);
  }
  return cron;
}

function isZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function checkInstant(where: string, field: string, value: Date | string): void {
  if (Number.isNaN(instantOf(value))) throw new ConfigurationError(`${where}: ${field} is not a valid date (got ${String(value)})`);
}
