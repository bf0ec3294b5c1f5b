import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, type Beat, createApp, type TickEvent, tickId } from '../../src/index.js';

let apps: App[] = [];
let beats: Beat[] = [];
afterEach(async () => {
  await Promise.all(beats.map((b) => b.close()));
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
  beats = [];
});

/** An app on a shared memory:// broker and backend (each call is another "process"), counting runs per task id. */
function setup(name: string, runs: Map<string, number>) {
  const app = createApp({ broker: `memory://${name}`, backend: `memory://${name}` });
  apps.push(app);
  const report = app.task('report', async (label: string) => {
    // biome-ignore lint/style/noNonNullAssertion: a task always runs in a task context
    const id = (await import('../../src/index.js')).currentTask()!.id;
    runs.set(id, (runs.get(id) ?? 0) + 1);
    return label;
  });
  return { app, report };
}

function beatOf(app: App, options: Parameters<App['beat']>[0] = {}): Beat {
  const beat = app.beat({ pollMs: 50, ...options });
  beats.push(beat);
  return beat;
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('beat', { timeout: 30_000 }, () => {
  it('three schedulers on one store send each tick exactly once', async () => {
    const runs = new Map<string, number>();
    const name = `beat-three-${Date.now()}`;
    const sent: TickEvent[] = [];
    const schedulers = [0, 1, 2].map(() => {
      const { app, report } = setup(name, runs);
      app.schedule('every-second', { everyMs: 1000 }, report.s('tick'));
      const beat = beatOf(app);
      beat.events.on('tick', (e) => sent.push(e));
      return { app, beat };
    });
    const worker = schedulers[0]?.app.worker({ concurrency: 4 });
    await worker?.start();
    await Promise.all(schedulers.map((s) => s.beat.start()));
    await until(() => sent.length >= 5);
    await Promise.all(schedulers.map((s) => s.beat.close()));
    await until(() => runs.size >= sent.length);
    await worker?.close();
    const ticks = sent.map((e) => e.tickMs).sort();
    expect(new Set(ticks).size, 'no tick handled twice').toBe(ticks.length);
    for (let i = 1; i < ticks.length; i++) expect((ticks[i] as number) - (ticks[i - 1] as number), 'no tick missing').toBe(1000);
    expect(sent.every((e) => e.outcome === 'sent' && e.taskId === tickId('every-second', e.tickMs))).toBe(true);
    expect(
      [...runs.values()].every((n) => n === 1),
      'each task ran once',
    ).toBe(true);
    expect(new Set(runs.keys())).toEqual(new Set(sent.map((e) => e.taskId)));
  });

  it('a tick claimed by a scheduler that died is sent by another once the claim expires', async () => {
    const runs = new Map<string, number>();
    const { app, report } = setup(`beat-dead-${Date.now()}`, runs);
    app.schedule('every-second', { everyMs: 1000 }, report.s('tick'));
    const store = await app.scheduleStore();
    await app.beat().close(); // nothing stored yet: a fresh beat syncs at start
    const beat = beatOf(app, { claimLeaseMs: 1500 });
    const sent: TickEvent[] = [];
    beat.events.on('tick', (e) => sent.push(e));
    await beat.start();
    const entry = await store.get('every-second');
    const stolen = entry?.nextRunAt as number;
    // A scheduler takes the next tick and dies before sending it.
    const claimedAt = Date.now();
    expect(await store.claimTick('every-second', stolen, 1500)).toBe('claimed');
    await until(() => sent.some((e) => e.tickMs === stolen));
    expect(Date.now() - claimedAt, 'sent once the lease ran out').toBeGreaterThanOrEqual(1500);
    expect(sent.filter((e) => e.tickMs === stolen)).toHaveLength(1);
  });

  it('an operator pause survives a redeclaration; resume, run-now and remove work at run time', async () => {
    const runs = new Map<string, number>();
    const name = `beat-ops-${Date.now()}`;
    const first = setup(name, runs);
    first.app.schedule('nightly', { cron: '0 3 * * *', tz: 'Europe/Berlin' }, first.report.s('night'));
    const sent: TickEvent[] = [];
    const firstBeat = beatOf(first.app);
    firstBeat.events.on('tick', (e) => sent.push(e));
    await firstBeat.start();
    const store = await first.app.scheduleStore();
    expect(await store.setPaused('nightly', true)).toBe(true);
    // A deploy declares it again.
    const second = setup(name, runs);
    second.app.schedule('nightly', { cron: '0 3 * * *', tz: 'Europe/Berlin' }, second.report.s('night'));
    const beat = beatOf(second.app);
    beat.events.on('tick', (e) => sent.push(e));
    await beat.start();
    expect((await store.get('nightly'))?.paused).toBe(true);
    expect(await store.runNow('nightly', Date.now())).toBe(true);
    await sleep(300);
    expect(sent, 'paused: run-now waits for resume').toHaveLength(0);
    await store.setPaused('nightly', false);
    await until(() => sent.length === 1);
    const entry = await store.get('nightly');
    expect(entry).toMatchObject({ runCount: 1, lastOutcome: 'sent', lastTaskId: sent[0]?.taskId });
    expect(entry?.nextRunAt).toBeGreaterThan(Date.now());
    expect(await store.remove('nightly')).toBe(true);
    expect(await store.list()).toEqual([]);
  });

  it('with a controllable clock: after a day with no scheduler, latest sends the newest missed tick once and skip sends none', async () => {
    const HOUR = 3600_000;
    let now = Date.parse('2026-03-28T12:30:00Z');
    const { app, report } = setup(`beat-clock-${Date.now()}`, new Map());
    app.schedule('hourly.latest', { cron: '0 * * * *', tz: 'Europe/Berlin' }, report.s('latest'));
    app.schedule('hourly.skip', { cron: '0 * * * *', tz: 'Europe/Berlin' }, report.s('skip'), { catchUp: 'skip' });
    const beat = beatOf(app, { now: () => now, pollMs: 20 });
    const seen: TickEvent[] = [];
    beat.events.on('tick', (e) => seen.push(e));
    await beat.start();
    await sleep(200);
    expect(seen, 'nothing due yet').toEqual([]);
    // A day passes (through the night Berlin moves its clocks forward) with the scheduler asleep.
    now += 26 * HOUR;
    const newest = Date.parse('2026-03-29T14:00:00Z');
    await until(() => seen.filter((e) => e.schedule === 'hourly.latest').length === 2 && seen.some((e) => e.schedule === 'hourly.skip'));
    await sleep(200);
    const latest = seen.filter((e) => e.schedule === 'hourly.latest');
    expect(latest.map((e) => [e.outcome, e.tickMs])).toEqual([
      ['missed', Date.parse('2026-03-28T13:00:00Z')],
      ['sent', newest],
    ]);
    expect(seen.filter((e) => e.schedule === 'hourly.skip').map((e) => e.outcome)).toEqual(['missed']);
    const store = await app.scheduleStore();
    expect((await store.get('hourly.skip'))?.nextRunAt).toBe(newest + HOUR);
    expect((await store.get('hourly.latest'))?.runCount).toBe(1);
  });

  it('refuses what cannot work, naming the schedule', () => {
    const { app, report } = setup(`beat-bad-${Date.now()}`, new Map());
    expect(() => app.schedule('a', { cron: '61 * * * *' }, report.s('x'))).toThrow(/schedule 'a': cron '61 \* \* \* \*' is not valid/);
    expect(() => app.schedule('b', { cron: '0 3 * * *', tz: 'Mars/Olympus' }, report.s('x'))).toThrow(
      /'Mars\/Olympus' is not an IANA time zone/,
    );
    expect(() => app.schedule('c', { everyMs: 10 }, report.s('x'))).toThrow(/at least 1000/);
    expect(() => app.schedule('d', { everyMs: 1000 }, report.s('x'), { limit: 0 })).toThrow(/limit must be a positive whole number/);
    app.schedule('e', { everyMs: 1000 }, report.s('x'));
    expect(() => app.schedule('e', { everyMs: 1000 }, report.s('x'))).toThrow(/already declared/);
  });

  it('needs a backend that keeps schedules', async () => {
    const app = createApp({ broker: 'memory://' });
    apps.push(app);
    await expect(app.beat().start()).rejects.toThrow(/no result backend/);
  });
});
