import { InvalidArgumentError } from 'commander';

/** Commander parser of a positive whole number option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Commander parser of a duration in seconds (`1`, `0.5`), returned in ms. */
export function secondsAsMs(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds');
  return Math.round(n * 1000);
}

/** Commander parser of a comma-separated list (`a,b`), blanks dropped. */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Commander parser of a positive whole number or `inf`/`infinity` (no limit), e.g. `--max-deliveries`. */
export function positiveIntOrInfinity(value: string): number {
  return /^inf(inity)?$/i.test(value.trim()) ? Number.POSITIVE_INFINITY : positiveInt(value);
}

/** pino's level for each `--loglevel` (Celery's names, pino's too), lower-cased. */
const LOG_LEVELS: Record<string, string> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  warn: 'warn',
  error: 'error',
  critical: 'fatal',
  fatal: 'fatal',
  silent: 'silent',
};

/** Commander parser of a log level: Celery's (`DEBUG`, `INFO`, `WARNING`, `ERROR`, `CRITICAL`) or pino's, any case. */
export function logLevel(value: string): string {
  const level = LOG_LEVELS[value.toLowerCase()];
  if (!level) throw new InvalidArgumentError(`expected one of ${Object.keys(LOG_LEVELS).join(', ')}`);
  return level;
}
