import { createServer } from 'node:http';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadApp } from '../load-app.js';
import { commaList, positiveInt } from '../options.js';

interface DashboardFlags {
  app: string;
  port: number;
  host: string;
  basePath: string;
  readOnly?: boolean;
  basicAuth?: Record<string, string>;
  history?: string;
  maxTasks?: number;
  maxAgeDays?: number;
  queues?: string[];
}

/** `tq dashboard --app <module> --port 5555`: serve the web dashboard until SIGTERM/SIGINT. */
export function dashboardCommand(): Command {
  return new Command('dashboard')
    .description('serve the web dashboard: workers, queues, task history with search, retry and revoke (task events need workers with -E)')
    .requiredOption('-A, --app <module>', 'module that exports the app')
    .option('-p, --port <port>', 'port to listen on', positiveInt, 5555)
    .option('--host <address>', 'address to listen on (0.0.0.0 for every interface: set --basic-auth then)', '127.0.0.1')
    .option('--base-path <path>', 'URL path to serve under, e.g. /tq behind a proxy', '/')
    .option('--read-only', 'hide and refuse every action (retry, revoke)')
    .addOption(
      new Option('--basic-auth <user:password,...>', 'require HTTP basic auth with these users')
        .env('TQ_DASHBOARD_BASIC_AUTH')
        .argParser(usersOf),
    )
    .option('--history <file>', 'file of the task history (default .tq/dashboard/history.jsonl)')
    .option('--max-tasks <n>', 'tasks kept in the history (default 100000)', positiveInt)
    .option('--max-age-days <n>', 'days a task unchanged stays in the history (default 7)', positiveInt)
    .option('-Q, --queues <names>', 'queues to show besides the default one and those seen', commaList)
    .action(async (flags: DashboardFlags) => {
      const app = await loadApp(flags.app);
      // Imported here: every other command starts without loading the dashboard.
      const { basicAuth, dashboardHandler } = await import('@tq/dashboard');
      const handler = dashboardHandler(app, {
        basePath: flags.basePath,
        readOnly: flags.readOnly,
        auth: flags.basicAuth && basicAuth(flags.basicAuth),
        historyPath: flags.history,
        maxTasks: flags.maxTasks,
        maxAgeMs: flags.maxAgeDays && flags.maxAgeDays * 24 * 3600_000,
        queues: flags.queues,
      });
      await handler.start();
      const server = createServer(handler);
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(flags.port, flags.host, resolve));
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) process.exit(1);
        stopping = true;
        process.stderr.write(`${signal}: stopping the dashboard\n`);
        server.closeAllConnections();
        server.close();
        await handler.close();
        await app.close();
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
      if (!flags.basicAuth && !['127.0.0.1', 'localhost', '::1'].includes(flags.host))
        process.stderr.write(
          `warning: the dashboard listens on ${flags.host} without --basic-auth: anyone who reaches it can retry and revoke tasks\n`,
        );
      const base = flags.basePath.replace(/\/+$/, '');
      process.stderr.write(
        `ready: dashboard on http://${flags.host}:${flags.port}${base}/ (${app.describe().broker}${flags.readOnly ? ', read-only' : ''})\n`,
      );
    });
}

/** `alice:secret,bob:other` → `{ alice: 'secret', bob: 'other' }`. */
function usersOf(value: string): Record<string, string> {
  const users: Record<string, string> = {};
  for (const pair of commaList(value)) {
    const colon = pair.indexOf(':');
    if (colon < 1) throw new InvalidArgumentError('expected user:password pairs separated by commas');
    users[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return users;
}
