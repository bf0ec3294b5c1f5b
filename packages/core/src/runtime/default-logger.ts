import { type DestinationStream, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import { ConfigurationError } from '../errors/configuration-error.js';
import { taskLogFields } from '../task/task-log-fields.js';
import { poolChildLink } from './pool-child-link.js';

/**
 * The logger used when the app (or a hand-built transport) is given none: pino to stderr at
 * `TQ_LOG_LEVEL` (default `info`), every line inside a task naming it ({@link taskLogFields}). JSON
 * lines for log collectors, unless stderr is a terminal: then readable lines (pino-pretty), for
 * the person watching. `TQ_LOG_FORMAT=json|pretty` overrides the choice. See ADR 12 and 28. In a
 * pool child the lines go to the worker's logger instead (ADR 27), so a task logs the same wherever
 * it runs.
 */
export function defaultLogger(): Logger {
  const options = { name: 'tq', level: process.env.TQ_LOG_LEVEL || 'info', mixin: taskLogFields };
  const link = poolChildLink();
  return pino(options, link ? { write: (line: string) => link.log(line) } : destination());
}

function destination(): DestinationStream {
  const format = process.env.TQ_LOG_FORMAT || (process.stderr.isTTY ? 'pretty' : 'json');
  if (format !== 'pretty' && format !== 'json') throw new ConfigurationError(`TQ_LOG_FORMAT must be json or pretty, got ${format}.`);
  // Synchronous, like pino.destination(2) for JSON: a line logged just before a crash is not lost.
  return format === 'pretty' ? pretty({ destination: 2, sync: true }) : pino.destination(2);
}
