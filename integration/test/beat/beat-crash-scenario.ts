import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type App, createApp, currentTask, tickId } from '@tq/core';
import { expect } from 'vitest';
import { brokerUrl } from '../../harness/index.js';

const cli = join(import.meta.dirname, '../../../packages/cli/src/bin.ts');
const fixture = join(import.meta.dirname, 'beat-app.ts');

/** One `tq beat` process; `sent` lists the ticks it logged as sent (ms). */
function startBeat(env: Record<string, string>) {
  const args = ['--conditions=@tq/source', '--import', 'tsx', cli, 'beat', '--app', fixture, '--claim-lease', '3000', '--poll', '200'];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, TQ_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const sent: number[] = [];
  let buffered = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.includes('"tick sent"')) sent.push(Date.parse((JSON.parse(line) as { tick: string }).tick));
  });
  return { child, sent };
}

/**
 * Three `tq beat` processes on a one-second schedule, sending to `broker` (its URL, or undefined
 * for the Redis) with schedules in the harness's Redis; the one that sent the latest tick is
 * SIGKILLed twice (and replaced). Every tick from the first to the last must have run exactly once,
 * counted by the task itself in a worker of this process.
 */
export async function beatCrashScenario(options: { label: string; broker?: string; ticks: number }): Promise<void> {
  const suffix = `${options.label}-${process.pid}-${Date.now()}`;
  // A key prefix of its own: schedulers remove code entries their app does not declare, so two
  // scenarios on one Redis keyspace (files run side by side) would delete each other's schedule.
  const prefixed = new URL(brokerUrl('redis'));
  prefixed.searchParams.set('keyPrefix', `${suffix}:`);
  const redis = prefixed.toString();
  const env: Record<string, string> = {
    TQ_BEAT_REDIS_URL: redis,
    TQ_BEAT_QUEUE: `beat-${suffix}`,
    TQ_BEAT_SCHEDULE: `beat.crash-${suffix}`,
    ...(options.broker ? { TQ_BEAT_BROKER_URL: options.broker } : {}),
  };
  const app: App = createApp({ broker: options.broker ?? redis, backend: redis });
  const runs = new Map<string, number>();
  app.task('beat.count', { queue: env.TQ_BEAT_QUEUE }, async () => {
    const id = currentTask()?.id as string;
    runs.set(id, (runs.get(id) ?? 0) + 1);
    return 'counted';
  });
  const worker = app.worker({ queues: [env.TQ_BEAT_QUEUE as string], concurrency: 4 });
  await worker.start();
  const beats = [startBeat(env), startBeat(env), startBeat(env)];
  const children: ChildProcess[] = beats.map((b) => b.child);
  const allSent = () => beats.flatMap((b) => b.sent);
  // A tick may be logged twice: a scheduler killed between sending and recording it has it sent again.
  const ticksSent = () => new Set(allSent()).size;
  const kills: string[] = [];
  try {
    for (const killAt of [options.ticks / 3, (2 * options.ticks) / 3]) {
      while (ticksSent() < killAt) await sleep(100);
      // The scheduler that sent the latest tick is the one publishing now.
      const latest = Math.max(...allSent());
      const victim = beats.findIndex((b) => b.sent.includes(latest));
      beats[victim]?.child.kill('SIGKILL');
      kills.push(`killed scheduler ${victim} after the ${new Date(latest).toISOString()} tick`);
      const replacement = startBeat(env);
      children.push(replacement.child);
      beats.push(replacement);
    }
    while (ticksSent() < options.ticks) await sleep(200);
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
  const sent = [...new Set(allSent())].sort((a, b) => a - b);
  const first = sent[0] as number;
  const last = sent[sent.length - 1] as number;
  const schedule = env.TQ_BEAT_SCHEDULE as string;
  const expected = Array.from({ length: (last - first) / 1000 + 1 }, (_, i) => tickId(schedule, first + i * 1000));
  // A tick sent just before a kill may be logged by nobody, but it is still expected to run.
  const deadline = Date.now() + 60_000;
  while (expected.some((id) => !runs.has(id)) && Date.now() < deadline) await sleep(200);
  await worker.close();
  await (await app.broker()).purge(env.TQ_BEAT_QUEUE as string);
  await app.close();
  const missing = expected.filter((id) => !runs.has(id));
  const twice = [...runs.values()].filter((n) => n > 1).length;
  process.stdout.write(
    `beat crash test (${options.label}): ${expected.length} ticks, ${missing.length} missing, ${twice} run twice; ${kills.join('; ')}\n`,
  );
  expect(kills).toHaveLength(2);
  expect(expected.length).toBeGreaterThanOrEqual(options.ticks);
  expect(missing).toEqual([]);
  expect(twice).toBe(0);
  // Schedulers kept sending for a moment after the last tick counted: those ticks are real too.
  const known = new Set(Array.from({ length: expected.length + 10 }, (_, i) => tickId(schedule, first + i * 1000)));
  expect(
    [...runs.keys()].every((id) => known.has(id)),
    'no task outside the ticks',
  ).toBe(true);
}
