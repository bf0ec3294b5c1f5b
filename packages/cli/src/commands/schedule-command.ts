import { type App, type ScheduleEntry, type ScheduleStore, type ScheduleTiming, scheduleEntryOf } from '@tq/core';
import { Command, InvalidArgumentError } from 'commander';
import { loadApp } from '../load-app.js';
import { positiveInt } from '../options.js';

/** `tq schedule list|add|rm|pause|resume|run`: the schedule store, edited while schedulers run. */
export function scheduleCommand(): Command {
  const schedule = new Command('schedule').description('list and edit periodic schedules at run time (kept in the result backend)');
  schedule
    .command('list')
    .description('every schedule: owner, timing, next and last run, runs, last outcome')
    .requiredOption('-A, --app <module>', 'module that exports the app')
    .option('--json', 'print the entries as JSON')
    .action((options: { app: string; json?: boolean }) =>
      withStore(options.app, async (store) => {
        const entries = await store.list();
        process.stdout.write(options.json ? `${JSON.stringify(entries, null, 2)}\n` : table(entries));
      }),
    );
  schedule
    .command('add')
    .description('add (or replace) a schedule owned by operators: code re-declarations leave it alone')
    .argument('<name>', 'schedule name')
    .argument('<task>', 'task name')
    .requiredOption('-A, --app <module>', 'module that exports the app')
    .option('--cron <expression>', "cron expression, e.g. '0 3 * * *'")
    .option('--tz <zone>', 'IANA time zone of the cron fields (default UTC)')
    .option('--every <ms>', 'interval in ms (aligned to clock slots)', positiveInt)
    .option('--at <iso>', 'one-off instant (ISO 8601)')
    .option('--args <json>', 'positional arguments as a JSON array', jsonArray, [])
    .option('--queue <name>', 'queue to send to')
    .action(
      (
        name: string,
        task: string,
        options: { app: string; cron?: string; tz?: string; every?: number; at?: string; args: unknown[]; queue?: string },
      ) =>
        withStore(options.app, async (store) => {
          const timing = timingOf(options);
          const signature = { task, args: options.args, kwargs: {}, options: {}, subtask_type: null, immutable: true };
          const entry = scheduleEntryOf(name, timing, signature, options.queue ? { queue: options.queue } : {}, 'runtime', Date.now());
          await store.put(entry);
          process.stdout.write(`added ${name}: next run ${when(entry.nextRunAt)}\n`);
        }),
    );
  for (const [verb, description] of [
    ['rm', 'remove a schedule (a code schedule comes back at the next deploy)'],
    ['pause', 'pause a schedule (kept across deploys)'],
    ['resume', 'resume a paused schedule'],
    ['run', 'send a schedule’s task now (a tick of its own; the timetable is unchanged)'],
  ] as const) {
    schedule
      .command(verb)
      .description(description)
      .argument('<name>', 'schedule name')
      .requiredOption('-A, --app <module>', 'module that exports the app')
      .action((name: string, options: { app: string }) =>
        withStore(options.app, async (store) => {
          const done =
            verb === 'rm'
              ? await store.remove(name)
              : verb === 'run'
                ? await store.runNow(name, Date.now())
                : await store.setPaused(name, verb === 'pause');
          if (!done) throw new Error(`no schedule named '${name}' (tq schedule list shows them)`);
          process.stdout.write(`${verb === 'rm' ? 'removed' : verb === 'run' ? 'due now' : `${verb}d`}: ${name}\n`);
        }),
      );
  }
  return schedule;
}

async function withStore(module: string, use: (store: ScheduleStore, app: App) => Promise<void>): Promise<void> {
  const app = await loadApp(module);
  try {
    await use(await app.scheduleStore(), app);
  } finally {
    await app.close();
  }
}

function timingOf(options: { cron?: string; tz?: string; every?: number; at?: string }): ScheduleTiming {
  const given = [options.cron, options.every, options.at].filter((v) => v !== undefined).length;
  if (given !== 1) throw new InvalidArgumentError('give exactly one of --cron, --every, --at');
  if (options.cron !== undefined) return { cron: options.cron, ...(options.tz ? { tz: options.tz } : {}) };
  if (options.every !== undefined) return { everyMs: options.every };
  return { at: options.at as string };
}

function jsonArray(value: string): unknown[] {
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed)) throw new InvalidArgumentError('expected a JSON array, e.g. \'[1, "a"]\'');
  return parsed;
}

function when(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}

function describeTiming(timing: ScheduleTiming): string {
  if ('cron' in timing) return `cron '${timing.cron}' ${timing.tz ?? 'UTC'}`;
  if ('everyMs' in timing) return `every ${timing.everyMs} ms`;
  return `at ${String(timing.at)}`;
}

function table(entries: ScheduleEntry[]): string {
  const rows = entries.map((e) => [
    e.name,
    e.owner,
    describeTiming(e.timing),
    e.paused ? 'paused' : when(e.nextRunAt),
    when(e.lastRunAt),
    String(e.runCount),
    e.lastOutcome ?? '-',
  ]);
  const all = [['NAME', 'OWNER', 'TIMING', 'NEXT RUN', 'LAST RUN', 'RUNS', 'LAST OUTCOME'], ...rows];
  const widths = all[0]?.map((_, i) => Math.max(...all.map((r) => (r[i] as string).length))) ?? [];
  return `${all
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
