import { type Logger, pino } from 'pino';

/**
 * The logger used when the app (or a hand-built transport) is given none: pino, JSON lines to
 * stderr, at `TQ_LOG_LEVEL` (default `info`). See ADR 12.
 */
export function defaultLogger(): Logger {
  return pino({ name: 'tq', level: process.env.TQ_LOG_LEVEL ?? 'info' }, pino.destination(2));
}
