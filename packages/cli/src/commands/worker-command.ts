import type { PoolKind } from '@tq/core';
import { Command, Option } from 'commander';
import { banner } from '../banner.js';
import { followLauncher } from '../follow-launcher.js';
import { loadApp } from '../load-app.js';
import { ObservabilityServers } from '../observability-servers.js';
import { commaList, logLevel, positiveInt } from '../options.js';
import { startWithRetry } from '../start-with-retry.js';
import { Terminal } from '../terminal.js';
import { workerWarnings } from '../worker-warnings.js';
import { tuningOptionsOf } from './worker-tuning.js';

/**
 * `tq worker --app <module> --queues a,b --concurrency N [--pool processes]`: run a worker until SIGTERM/SIGINT
 * or `tq control shutdown`.
 */
export function workerCommand(): Command {
  return (
    new Command('worker')
      .description('consume queues and run tasks')
      .requiredOption('-A, --app <module>', 'module that exports the app (e.g. ./dist/app.js)')
      .option('-Q, --queues <names>', 'comma-separated queues to consume (default: the app default queue)', commaList)
      .option(
        '-n, --hostname <name>',
        'node name in events and remote control; %h is the host name, %n its first label, %d its domain',
        'tq@%h',
      )
      .option('-E, --task-events', 'send task events (monitors such as tq events and Flower show tasks); worker events are always sent')
      .option('-c, --concurrency <n>', 'tasks running at once', positiveInt, 10)
      .option('--prefetch-multiplier <n>', 'messages held per concurrency slot', positiveInt, 4)
      .addOption(
        new Option('-P, --pool <kind>', "where tasks run unless they set their own pool: 'threads' or 'processes' for CPU-bound work")
          .choices(['inline', 'threads', 'processes'])
          .default('inline'),
      )
      .option('--max-tasks-per-child <n>', 'replace a pool child after this many tasks (default: never)', positiveInt)
      .option('--max-memory-per-child <MB>', 'replace a pool child whose memory is above this after a task (default: never)', positiveInt)
      .option('--shutdown-timeout <ms>', 'warm shutdown: how long running tasks may finish', positiveInt, 30_000)
      .option('-B, --beat', "also send the app's periodic tasks (safe in every replica: each tick is sent once)")
      .option('--metrics-port <port>', 'serve Prometheus metrics on http://0.0.0.0:<port>/metrics', positiveInt)
      .option('--health-port <port>', 'serve /health/live and /health/ready (Kubernetes probes) on this port', positiveInt)
      .option('--stall-after <ms>', 'not live once consuming stalled this long (see --health-port)', positiveInt, 60_000)
      // The variable core's default logger reads, not the TQ_LOGLEVEL the flag's name would give.
      .addOption(
        new Option('-l, --loglevel <level>', 'DEBUG, INFO, WARNING, ERROR or CRITICAL (default: INFO)')
          .env('TQ_LOG_LEVEL')
          .argParser(logLevel),
      )
      .action(
        async (options: {
          app: string;
          queues?: string[];
          hostname: string;
          taskEvents?: boolean;
          concurrency: number;
          prefetchMultiplier: number;
          pool: PoolKind;
          maxTasksPerChild?: number;
          maxMemoryPerChild?: number;
          shutdownTimeout: number;
          beat?: boolean;
          metricsPort?: number;
          healthPort?: number;
          stallAfter: number;
          loglevel?: string;
        }) => {
          // Before the app module runs: the default logger reads it when the app is created.
          if (options.loglevel) process.env.TQ_LOG_LEVEL = options.loglevel;
          const app = await loadApp(options.app);
          // An app with a logger of its own follows the flag too.
          if (options.loglevel) app.logger.level = options.loglevel;
          const worker = app.worker({
            queues: options.queues,
            hostname: options.hostname,
            taskEvents: options.taskEvents === true,
            concurrency: options.concurrency,
            prefetchMultiplier: options.prefetchMultiplier,
            pool: options.pool,
            maxTasksPerChild: options.maxTasksPerChild,
            maxMemoryPerChildMb: options.maxMemoryPerChild,
            shutdownTimeoutMs: options.shutdownTimeout,
            ...tuningOptionsOf(options),
            stallAfterMs: options.stallAfter,
          });
          const endpoints = new ObservabilityServers(app, worker, options);
          await endpoints.listen();
          const beat = options.beat ? app.beat() : undefined;
          process.stderr.write(banner(app, worker, options.prefetchMultiplier));
          let stopping = false;
          const stop = async (signal: string, what = `warm shutdown (finishing running tasks, up to ${options.shutdownTimeout} ms)`) => {
            if (stopping) {
              // A second signal means "now": cold shutdown; unacknowledged messages are redelivered.
              process.stderr.write(`${signal} again: exiting now; unfinished tasks will be redelivered\n`);
              process.exit(1);
            }
            stopping = true;
            process.stderr.write(`${signal}: ${what}\n`);
            await beat?.close();
            await worker.close();
            await endpoints.close();
            await app.close();
            process.stderr.write('worker stopped\n');
            process.exit(0);
          };
          process.on('SIGTERM', () => void stop('SIGTERM'));
          process.on('SIGINT', () => void stop('SIGINT'));
          followLauncher(() => void stop('npm exited', 'the npm process that started this worker is gone: warm shutdown'));
          // `tq control shutdown` (or Celery's) closes the worker from inside: the process follows it.
          worker.events.once('worker-offline', () => {
            if (!stopping) void stop('remote control', 'the worker shut down (warm)');
          });
          const say = (line: string) => process.stderr.write(line);
          if (!(await startWithRetry(worker, app.describe().broker, say, () => stopping))) return;
          await endpoints.startMetrics();
          if (beat && !(await startWithRetry(beat, app.describe().backend, say, () => stopping))) return;
          const err = new Terminal(process.stderr);
          for (const { loud, text } of await workerWarnings(app, worker))
            say(loud ? err.style(['bold', 'red'], `\n!! WARNING !!\n${text.replace(/^/gm, '!! ')}\n\n`) : `warning: ${text}\n`);
          const served = [
            options.metricsPort ? `metrics on :${options.metricsPort}/metrics` : '',
            options.healthPort ? `health on :${options.healthPort}/health/live|ready` : '',
          ].filter(Boolean);
          process.stderr.write(
            `ready: consuming ${worker.queues.join(', ')}${beat ? ', sending periodic tasks' : ''}${served.length ? `; ${served.join(', ')}` : ''}\n`,
          );
        },
      )
  );
}
