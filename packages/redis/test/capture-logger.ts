import type { Logger } from '@tq/core';

/** One logged line: level, merged bindings and fields, message. */
export interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  msg: string;
}

/** A stand-in for the app's pino logger that keeps what it is given (children share the lines). */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const log =
      (level: string) =>
      (fields: Record<string, unknown> | string, msg?: string): void => {
        if (typeof fields === 'string') lines.push({ level, fields: bindings, msg: fields });
        else lines.push({ level, fields: { ...bindings, ...fields }, msg: msg ?? '' });
      };
    const logger = {
      child: (more: Record<string, unknown>) => make({ ...bindings, ...more }),
      ...Object.fromEntries(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((level) => [level, log(level)])),
    };
    return logger as unknown as Logger;
  };
  return { logger: make({}), lines };
}
