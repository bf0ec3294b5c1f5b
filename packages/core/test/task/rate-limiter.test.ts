import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors/index.js';
import { RateLimiter } from '../../src/worker/rate-limiter.js';

describe('RateLimiter', () => {
  it.each([
    ['10/s', 100],
    ['100/m', 600],
    ['2/h', 1_800_000],
    ['0.5/s', 2000],
    [' 4 / s ', 250],
  ])('%s spaces starts %d ms apart', (rate, interval) => {
    const limiter = new RateLimiter(rate);
    expect(limiter.reserve(1000)).toBe(0);
    expect(limiter.reserve(1000)).toBe(interval);
    expect(limiter.reserve(1000)).toBe(2 * interval);
  });

  it('no burst after idle: capacity is one start', () => {
    const limiter = new RateLimiter('10/s');
    expect(limiter.reserve(0)).toBe(0);
    // Long idle: the next start is free, the one after waits a full interval again.
    expect(limiter.reserve(10_000)).toBe(0);
    expect(limiter.reserve(10_000)).toBe(100);
  });

  it('counts waits from the reserved start, not from the call', () => {
    const limiter = new RateLimiter('10/s');
    limiter.reserve(0);
    expect(limiter.reserve(30)).toBe(70);
  });

  it.each(['10', '10/d', 'fast', '/s', '-1/s'])('rejects %j with a ConfigurationError', (rate) => {
    expect(() => new RateLimiter(rate)).toThrow(ConfigurationError);
    expect(() => new RateLimiter(rate)).toThrow(/N\/s/);
  });
});
