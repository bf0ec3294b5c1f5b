/**
 * `pnpm bench beat`: how late tq's scheduler sends ticks — p50/p99 from the tick instant to the
 * moment the tick's task was sent — on Redis (store and broker), with 1 and 3 one-second schedules,
 * with 3 schedulers sharing the work, and with 100,000 schedules in the store (every 3 h, spread
 * evenly, so about 9 fall due each second) plus one one-second probe. The 100,000 case also reports
 * how long declaring them took (the first scheduler's sync; ticks in the first 3 s after it are not
 * counted). SECONDS=20 sets each case's length.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type App, createApp, type TickEvent } from '@tq/core';
import { provideRedis } from './provide-redis.js';

const SECONDS = Number(process.env.SECONDS ?? 20);
// One line per tick would bury the table.
process.env.TQ_LOG_LEVEL ??= 'warn';
const SPREAD_MS = 3 * 3600_000;

interface Case {
  label: string;
  schedules: number;
  schedulers: number;
}

/** The benchmark (called by integration/bench/run.ts). */
export async function run(): Promise<void> {
  const { url, stop } = await provideRedis();
  const rows: string[][] = [];
  try {
    const cases: Case[] = [
      { label: '1 schedule, 1 scheduler', schedules: 1, schedulers: 1 },
      { label: '3 schedules, 1 scheduler', schedules: 3, schedulers: 1 },
      { label: '3 schedules, 3 schedulers', schedules: 3, schedulers: 3 },
      { label: '100,000 schedules, 1 scheduler', schedules: 100_000, schedulers: 1 },
    ];
    for (const c of cases) rows.push(await measure(url, c));
  } finally {
    await stop();
  }
  const header = ['case', 'ticks sent', 'lag p50 (ms)', 'lag p99 (ms)', 'sync (s)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  '));
}

async function measure(url: string, c: Case): Promise<string[]> {
  const id = randomUUID().slice(0, 8);
  const apps: App[] = [];
  const lags: number[] = [];
  let syncMs = 0;
  for (let s = 0; s < c.schedulers; s++) {
    const app = createApp({ broker: url, backend: url, logger: undefined });
    apps.push(app);
    const noop = app.task('bench.noop', { queue: `bench-beat-${id}` }, async () => null);
    // The schedules of every case share the store: the names of the last case's are pruned at sync.
    const probes = Math.min(c.schedules, 3);
    for (let i = 0; i < probes; i++) app.schedule(`bench.${id}.probe-${i}`, { everyMs: 1000 }, noop.s());
    for (let i = probes; i < c.schedules; i++) {
      app.schedule(
        `bench.${id}.spread-${i}`,
        { everyMs: SPREAD_MS, startAt: new Date(Math.round((i * SPREAD_MS) / c.schedules)) },
        noop.s(),
      );
    }
  }
  const beats = apps.map((app) => app.beat());
  for (const beat of beats) beat.events.on('tick', (e: TickEvent) => e.outcome === 'sent' && lags.push(Date.now() - e.tickMs));
  const started = Date.now();
  await beats[0]?.start();
  syncMs = Date.now() - started;
  await Promise.all(beats.slice(1).map((b) => b.start()));
  // Ticks that fell due during the sync are sent late once; the steady state is what is measured.
  await sleep(3000);
  lags.length = 0;
  await sleep(SECONDS * 1000);
  await Promise.all(beats.map((b) => b.close()));
  const broker = await apps[0]?.broker();
  await broker?.purge(`bench-beat-${id}`);
  await Promise.all(apps.map((a) => a.close()));
  lags.sort((a, b) => a - b);
  const at = (q: number) => String(lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? '-');
  return [c.label, String(lags.length), at(0.5), at(0.99), (syncMs / 1000).toFixed(1)];
}
