import { Command } from 'commander';
import { followLauncher } from '../follow-launcher.js';
import { loadApp } from '../load-app.js';
import { positiveInt } from '../options.js';
import { startWithRetry } from '../start-with-retry.js';

/** `tq beat --app <module>`: send the app's periodic tasks until SIGTERM/SIGINT. Any number may run at once. */
export function beatCommand(): Command {
  return new Command('beat')
    .description("send the app's periodic tasks (any number of beat processes may run: each tick is sent once)")
    .requiredOption('-A, --app <module>', 'module that exports the app (e.g. ./dist/app.js)')
    .option(
      '--claim-lease <ms>',
      'how long a claimed tick is this scheduler’s alone (a dead scheduler’s tick is sent after it)',
      positiveInt,
      10_000,
    )
    .option('--poll <ms>', 'longest sleep between looks at the schedule store', positiveInt, 1000)
    .action(async (options: { app: string; claimLease: number; poll: number }) => {
      const app = await loadApp(options.app);
      const beat = app.beat({ claimLeaseMs: options.claimLease, pollMs: options.poll });
      const where = app.describe().backend;
      process.stderr.write(`tq beat: schedules in ${where}\n`);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) process.exit(1);
        stopping = true;
        process.stderr.write(`${signal}: stopping the scheduler\n`);
        await beat.close();
        await app.close();
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
      followLauncher(() => void stop('npm exited'));
      if (
        !(await startWithRetry(
          beat,
          where,
          (line) => process.stderr.write(line),
          () => stopping,
        ))
      )
        return;
      process.stderr.write('ready: sending periodic tasks\n');
    });
}
