import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { ScheduleEntry } from '@tq/core';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerUrl } from '../../harness/index.js';

const cli = join(import.meta.dirname, '../../../packages/cli/src/bin.ts');
const fixture = join(import.meta.dirname, '../beat/beat-app.ts');
const suffix = `${process.pid}-${Date.now()}`;
// Its own key prefix: schedulers remove the code entries their app does not declare (other files' ones).
const redis = new URL(brokerUrl('redis'));
redis.searchParams.set('keyPrefix', `${suffix}:`);
const env = {
  ...process.env,
  TQ_BEAT_REDIS_URL: redis.toString(),
  TQ_BEAT_QUEUE: `beat-cli-${suffix}`,
  TQ_BEAT_SCHEDULE: `beat.cli-${suffix}`,
  TQ_LOG_LEVEL: 'warn',
};
const node = ['--conditions=@tq/source', '--import', 'tsx', cli];

async function tq(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [...node, ...args, '--app', fixture], { env });
  return stdout;
}

async function entries(): Promise<Map<string, ScheduleEntry>> {
  const list = JSON.parse(await tq('schedule', 'list', '--json')) as ScheduleEntry[];
  return new Map(list.map((e) => [e.name, e]));
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(300);
  }
}

const worker = spawn(process.execPath, [...node, 'worker', '--beat', '--app', fixture, '--queues', env.TQ_BEAT_QUEUE], {
  env,
  stdio: 'ignore',
});
afterAll(() => {
  worker.kill('SIGKILL');
});

describe('tq worker --beat and tq schedule on Redis', { timeout: 120_000 }, () => {
  const code = env.TQ_BEAT_SCHEDULE;
  const ops = `ops-${suffix}`;

  it('the worker sends its code schedule; an operator adds, pauses, resumes, runs and removes one', async () => {
    await until(async () => ((await entries()).get(code)?.runCount ?? 0) >= 2);
    expect((await entries()).get(code)).toMatchObject({ owner: 'code', paused: false, lastOutcome: 'sent' });

    expect(
      await tq('schedule', 'add', ops, 'beat.count', '--cron', '0 3 * * *', '--tz', 'Europe/Berlin', '--queue', env.TQ_BEAT_QUEUE),
    ).toMatch(new RegExp(`added ${ops}: next run 20`));
    expect(await tq('schedule', 'pause', ops)).toContain(`paused: ${ops}`);
    expect((await entries()).get(ops)).toMatchObject({ owner: 'runtime', paused: true, runCount: 0 });
    expect(await tq('schedule', 'run', ops)).toContain(`due now: ${ops}`);
    await sleep(2000);
    expect((await entries()).get(ops)?.runCount, 'paused: run waits').toBe(0);
    await tq('schedule', 'resume', ops);
    await until(async () => (await entries()).get(ops)?.runCount === 1);
    expect((await entries()).get(ops)?.nextRunAt, 'back on its timetable').toBeGreaterThan(Date.now() + 60_000);

    const table = await tq('schedule', 'list');
    expect(table).toMatch(/NAME\s+OWNER\s+TIMING\s+NEXT RUN\s+LAST RUN\s+RUNS\s+LAST OUTCOME/);
    expect(table).toMatch(new RegExp(`${ops}\\s+runtime\\s+cron '0 3 \\* \\* \\*' Europe/Berlin`));

    expect(await tq('schedule', 'rm', ops)).toContain(`removed: ${ops}`);
    expect((await entries()).has(ops)).toBe(false);
    await expect(tq('schedule', 'pause', ops)).rejects.toThrow(/no schedule named/);
  });
});
