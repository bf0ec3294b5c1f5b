import { ConfigurationError } from '../errors/configuration-error.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Celery's per-worker task rate limit (`'100/m'`): starts spaced evenly over the period,
 * so a burst after idle is not allowed (as in Celery's token bucket of capacity 1).
 */
export class RateLimiter {
  private readonly intervalMs: number;
  private nextAt = 0;

  constructor(
    /** As given, e.g. `'100/m'`. */
    readonly rate: string,
  ) {
    const [, count, unit] = /^\s*(\d+(?:\.\d+)?)\s*\/\s*([smh])\s*$/.exec(rate) ?? [];
    const unitMs = unit === undefined ? undefined : UNIT_MS[unit];
    if (count === undefined || unitMs === undefined)
      throw new ConfigurationError(`Rate limit '${rate}' is not of the form 'N/s', 'N/m' or 'N/h'.`);
    this.intervalMs = unitMs / Number(count);
  }

  /** Milliseconds to wait before the next start (and reserve that start). */
  reserve(now = Date.now()): number {
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.intervalMs;
    return at - now;
  }
}
