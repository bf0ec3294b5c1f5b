import { ConfigurationError } from '../errors/configuration-error.js';

/**
 * For transports: a config number that must be finite and > 0 (timeouts, limits, batch sizes),
 * or `fallback` when absent. `integer` also requires a whole number; `max` is a bound the broker imposes. One rule for every transport:
 * `Infinity` and `NaN` are refused, with the owner and setting named.
 *
 * @throws ConfigurationError e.g. "RedisBroker visibilityTimeoutMs must be a positive finite number, got -1"
 */
export function positiveNumber(
  owner: string,
  name: string,
  value: number | undefined,
  fallback: number,
  options: { integer?: boolean; max?: number } = {},
): number {
  if (value === undefined) return fallback;
  const whole = options.integer === true;
  if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
    throw new ConfigurationError(`${owner} ${name} must be a positive ${whole ? 'integer' : 'finite number'}, got ${value}`);
  }
  if (options.max !== undefined && value > options.max) {
    throw new ConfigurationError(`${owner} ${name} must be at most ${options.max}, got ${value}`);
  }
  return value;
}
