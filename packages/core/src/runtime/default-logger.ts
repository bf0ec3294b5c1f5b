import { type Logger, pino } from 'pino';
import { poolChildLink } from './pool-child-link.js';

/**
 * The logger used when the app (or a hand-built transport) is given none: pino, JSON lines to
 * stderr, at `TQ_LOG_LEVEL` (default `info`). See ADR 12. In a pool child the lines go to the
 * worker's logger instead (ADR 27), so a task logs the same wherever it runs.
 */
export function defaultLogger(): Logger {
  const link = poolChildLink();
  const destination = link ? { write: (line: string) => link.log(line) } : pino.destination(2);
  return pino({ name: 'tq', level: process.env.TQ_LOG_LEVEL ?? 'info' }, destination);
}
