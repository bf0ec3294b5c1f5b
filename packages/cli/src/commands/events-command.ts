import { Command, Option } from 'commander';
import { cliIo } from '../cli-io.js';
import { runEvents } from '../monitor/run-events.js';
import { secondsAsMs } from '../options.js';
import { runWithApp } from './run-with-app.js';

/** `tq events --app <module> [--dump [--json]]`: watch the cluster (tq and Celery workers) until Ctrl-C. */
export function eventsCommand(): Command {
  return new Command('events')
    .description('watch the workers live: who is online, what runs, rates, recent failures (task events need workers with -E)')
    .requiredOption('-A, --app <module>', 'module that exports the app')
    .option('--dump', 'print every event as it arrives instead of the live view')
    .option('-j, --json', 'print every event as one line of JSON, as received (implies --dump)')
    .addOption(new Option('-r, --refresh <seconds>', 'how often the live view redraws').argParser(secondsAsMs).default(1000, '1'))
    .action((flags: { app: string; dump?: boolean; json?: boolean; refresh: number }) =>
      runWithApp(flags.app, async (app) => {
        const stopping = new AbortController();
        const stop = () => stopping.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        return runEvents(app, { dump: flags.dump, json: flags.json, refreshMs: flags.refresh, signal: stopping.signal }, cliIo());
      }),
    );
}
