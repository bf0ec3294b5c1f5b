import { describe, expect, it } from 'vitest';
import { nextTick } from '../../src/index.js';

const NAMED = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham'];
const YEAR_START = Date.parse('2026-01-01T00:00:00Z');
const YEAR_END = Date.parse('2027-01-01T00:00:00Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The wall clock of `ms` in `tz`, read by Intl (an oracle independent of croner). */
function wall(ms: number, tz: string): { date: string; minutes: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Minutes the zone is ahead of UTC at `ms`. */
function offset(ms: number, tz: string): number {
  const { date, minutes } = wall(ms, tz);
  return Math.round((Date.parse(`${date}T00:00:00Z`) + minutes * MINUTE - Math.floor(ms / MINUTE) * MINUTE) / MINUTE);
}

/** Windows of four days around each of the year's offset changes (found a day at a time). */
function transitionWindows(tz: string): [number, number][] {
  const windows: [number, number][] = [];
  for (let day = YEAR_START + DAY; day < YEAR_END; day += DAY) {
    if (offset(day, tz) !== offset(day - DAY, tz)) windows.push([day - 2 * DAY, day + 2 * DAY]);
  }
  return windows;
}

function ticks(cron: string, tz: string, from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = nextTick({ cron, tz }, from); t !== null && t < to; t = nextTick({ cron, tz }, t)) out.push(t);
  return out;
}

/** The named zones, and every seventh zone this Node knows that changes its clock twice in 2026. */
const ZONES = [
  ...NAMED,
  ...(Intl as unknown as { supportedValuesOf(key: 'timeZone'): string[] })
    .supportedValuesOf('timeZone')
    .filter((tz, i) => i % 7 === 0 && !NAMED.includes(tz) && transitionWindows(tz).length === 2),
];

describe('nextTick across daylight saving', () => {
  it('covers many zones', () => expect(ZONES.length).toBeGreaterThan(12));

  for (const tz of ZONES) {
    it(`${tz}: a fixed-time entry fires once a day — at its time, first occurrence when repeated, first valid instant when skipped`, () => {
      const windows = transitionWindows(tz);
      expect(windows, 'a spring and an autumn change').toHaveLength(2);
      // Every quarter hour from 00:00 to 04:45 covers each zone's transitions (02:00, 02:45, 03:00, ...).
      for (let minutes = 0; minutes < 5 * 60; minutes += 15) {
        const cron = `${minutes % 60} ${Math.floor(minutes / 60)} * * *`;
        const runs = windows.flatMap(([from, to]) => ticks(cron, tz, from, to));
        const days = runs.map((t) => wall(t, tz).date);
        // One run per local day, none twice.
        expect(new Set(days).size, cron).toBe(days.length);
        expect(days.length, cron).toBeGreaterThanOrEqual(2 * 3);
        for (const t of runs) {
          const at = wall(t, tz).minutes;
          if (at === minutes) {
            // Not the second occurrence of a repeated time: half an hour or an hour earlier read the same.
            for (const shift of [30 * MINUTE, 60 * MINUTE])
              expect(wall(t - shift, tz).minutes, `${cron} ${new Date(t).toISOString()}`).not.toBe(at);
          } else {
            // Skipped by the clock: it runs at the instant the clock jumped, right past its time.
            // (A minute earlier may be the day before: Santiago skips from 00:00 to 01:00.)
            const previous = wall(t - MINUTE, tz);
            const before = previous.minutes - (previous.date === wall(t, tz).date ? 0 : 24 * 60);
            expect(before < minutes && minutes < at, `${cron} ran at ${new Date(t).toISOString()} (${at} local)`).toBe(true);
            expect(at - before, 'a jump, not a minute').toBeGreaterThan(1);
          }
        }
      }
    });

    it(`${tz}: a step entry follows elapsed time — every 15 minutes of UTC all year, through both transitions`, () => {
      for (const [from, to] of transitionWindows(tz)) {
        const runs = ticks('*/15 * * * *', tz, from - 1, to);
        const gaps = new Set(runs.slice(1).map((t, i) => t - (runs[i] as number)));
        expect([...gaps]).toEqual([15 * MINUTE]);
        expect(runs.length).toBe((4 * 24 * 60) / 15);
      }
    });
  }

  it('a fixed-time entry fires every day of a year with both transitions (Europe/Berlin)', () => {
    const days = ticks('30 2 * * *', 'Europe/Berlin', YEAR_START, YEAR_END).map((t) => wall(t, 'Europe/Berlin').date);
    expect(new Set(days).size).toBe(365);
    expect(days).toHaveLength(365);
  });

  it('intervals are aligned to clock slots of UTC, from the epoch or from startAt', () => {
    expect(nextTick({ everyMs: 60_000 }, Date.parse('2026-03-29T00:59:59.999Z'))).toBe(Date.parse('2026-03-29T01:00:00Z'));
    expect(nextTick({ everyMs: 60_000 }, Date.parse('2026-03-29T01:00:00Z'))).toBe(Date.parse('2026-03-29T01:01:00Z'));
    const startAt = '2026-01-01T00:00:10Z';
    expect(nextTick({ everyMs: 60_000, startAt }, 0)).toBe(Date.parse(startAt));
    expect(nextTick({ everyMs: 60_000, startAt }, Date.parse('2026-01-01T00:00:10Z'))).toBe(Date.parse('2026-01-01T00:01:10Z'));
  });

  it('a one-off fires once', () => {
    const at = '2026-06-01T12:00:00Z';
    expect(nextTick({ at }, Date.parse(at) - 1)).toBe(Date.parse(at));
    expect(nextTick({ at }, Date.parse(at))).toBeNull();
  });
});
