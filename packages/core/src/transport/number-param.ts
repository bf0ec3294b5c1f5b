import { ConfigurationError } from '../errors/configuration-error.js';

/**
 * For transports: a numeric query parameter of a broker or backend URL (`?visibilityTimeoutMs=500`),
 * `undefined` when absent. Range checks stay with each config, which knows its bounds.
 *
 * @throws ConfigurationError naming the URL scheme and the parameter when the value is not a number.
 */
export function numberParam(url: URL, key: string): number | undefined {
  const value = url.searchParams.get(key);
  if (value === null) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) {
    throw new ConfigurationError(`${url.protocol}// URL parameter ${key} must be a number, got '${value}'`);
  }
  return number;
}
