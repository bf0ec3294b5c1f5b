import type { Logger } from '@tq/core';
import { pino } from 'pino';

/** One line a {@link captureLogger} kept: its level name, message, and every other field (bindings included). */
export interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

/**
 * A real pino logger at `trace` whose lines are kept in memory instead of printed, for tests that
 * check what a transport logs (and that it never logs a password). Children share the lines.
 */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'trace', base: undefined, timestamp: false },
    {
      write(json: string) {
        const { level, msg, ...fields } = JSON.parse(json) as { level: number; msg?: string } & Record<string, unknown>;
        lines.push({ level: pino.levels.labels[level] ?? String(level), msg: msg ?? '', fields });
      },
    },
  );
  return { logger, lines };
}
