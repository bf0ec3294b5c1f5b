import type { WorkerOptions } from '@tq/core';
import { type Command, Option } from 'commander';
import { positiveInt, positiveIntOrInfinity, secondsAsMs } from '../options.js';

/** The flags {@link withWorkerTuning} adds, as commander hands them over. */
export interface WorkerTuningFlags {
  trackStarted?: boolean;
  timeLimit?: number;
  softTimeLimit?: number;
  poolSize?: number;
  maxDeliveries?: number;
  heartbeatInterval?: number;
  storeRetry?: number;
  maxResultBytes?: number;
  maxPayloadBytes?: number;
}

/**
 * Add the worker's production settings beyond queues, concurrency and pools: result tracking, default
 * time limits, redelivery and size limits (each a `WorkerOptions` member; their defaults are core's,
 * so an unset flag changes nothing). Units follow Celery where Celery has the flag (seconds).
 */
export function withWorkerTuning(command: Command): Command {
  return command
    .option(
      '--track-started',
      "store STARTED when a task begins, so callers and monitors tell running from waiting (Celery's task_track_started)",
    )
    .addOption(
      new Option(
        '--time-limit <seconds>',
        "hard time limit of tasks that set none: the attempt fails (a pooled task's child is replaced) (default: none)",
      ).argParser(secondsAsMs),
    )
    .addOption(
      new Option(
        '--soft-time-limit <seconds>',
        "soft time limit of tasks that set none: the task's signal fires (default: none)",
      ).argParser(secondsAsMs),
    )
    .option('--pool-size <n>', 'children per pool kind (default: --concurrency for a --pool worker, else one per core)', positiveInt)
    .addOption(
      new Option(
        '--max-deliveries <n>',
        "deliveries that each lost their worker before a message is dead-lettered (default: 10; 'inf': never)",
      ).argParser(positiveIntOrInfinity),
    )
    .addOption(
      new Option('--heartbeat-interval <seconds>', 'how often worker-heartbeat events go to monitors (default: 2)').argParser(secondsAsMs),
    )
    .addOption(
      new Option(
        '--store-retry <ms>',
        'how long storing an outcome is retried while the backend is down, before the task goes back to the broker (default: 30000)',
      ).argParser(positiveInt),
    )
    .addOption(
      new Option('--max-result-bytes <n>', 'largest result (as JSON) a task may return when results are stored (default: 4 MiB)').argParser(
        positiveInt,
      ),
    )
    .addOption(
      new Option(
        '--max-payload-bytes <n>',
        "received messages larger than this are dead-lettered (default: twice the broker's maxMessageBytes)",
      ).argParser(positiveInt),
    );
}

/**
 * The tuning flags in commander's options object (the command's `action` receives them beside its own)
 * as `app.worker()` options; unset flags stay undefined, so core's defaults apply.
 */
export function tuningOptionsOf(options: object): TuningOptions {
  const flags: WorkerTuningFlags = options;
  return {
    trackStarted: flags.trackStarted,
    timeLimitMs: flags.timeLimit,
    softTimeLimitMs: flags.softTimeLimit,
    poolSize: flags.poolSize,
    maxDeliveries: flags.maxDeliveries,
    heartbeatIntervalMs: flags.heartbeatInterval,
    storeRetryMs: flags.storeRetry,
    maxResultBytes: flags.maxResultBytes,
    maxPayloadBytes: flags.maxPayloadBytes,
  };
}

type TuningOptions = Pick<
  WorkerOptions,
  | 'trackStarted'
  | 'timeLimitMs'
  | 'softTimeLimitMs'
  | 'poolSize'
  | 'maxDeliveries'
  | 'heartbeatIntervalMs'
  | 'storeRetryMs'
  | 'maxResultBytes'
  | 'maxPayloadBytes'
>;

/** Set by worker-command.ts from its own flags. */
type BasicOptions =
  | 'queues'
  | 'hostname'
  | 'taskEvents'
  | 'concurrency'
  | 'prefetchMultiplier'
  | 'pool'
  | 'maxTasksPerChild'
  | 'maxMemoryPerChildMb'
  | 'shutdownTimeoutMs'
  | 'stallAfterMs';

/**
 * The `WorkerOptions` members no flag sets, and why (listed under the flag table in docs/cli.md). A member
 * added to `WorkerOptions` without a flag here or in worker-command.ts stops this compiling until it is
 * given one or a reason here.
 */
export const codeOnlyWorkerOptions = {
  resourceLimits: 'V8 heap limits of pool threads: an object, set in `app.worker({ resourceLimits })`',
  execArgv: "Node options of pool children, which follow the worker's own: `node --import tsx ... tq worker`",
} as const satisfies Record<Exclude<keyof WorkerOptions, keyof TuningOptions | BasicOptions>, string>;
