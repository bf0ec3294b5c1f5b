import { describe, expect, it } from 'vitest';
import { retryDelayMs, shouldRetry } from '../../src/task/retry-policy.js';

class Transient extends Error {}
class SubTransient extends Transient {}

describe('shouldRetry', () => {
  it('never without a policy', () => {
    expect(shouldRetry(undefined, new Error('x'), 0)).toBe(false);
  });

  it('until max retries were made (max 2 → retries 0 and 1 retry, 2 does not)', () => {
    const policy = { max: 2 };
    expect([0, 1, 2, 3].map((n) => shouldRetry(policy, new Error('x'), n))).toEqual([true, true, false, false]);
  });

  it('only errors of the listed classes (subclasses included) when `on` is given', () => {
    const policy = { max: 3, on: [Transient] };
    expect(shouldRetry(policy, new Transient('t'), 0)).toBe(true);
    expect(shouldRetry(policy, new SubTransient('s'), 0)).toBe(true);
    expect(shouldRetry(policy, new TypeError('no'), 0)).toBe(false);
    expect(shouldRetry(policy, 'a thrown string', 0)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('exponential by default: baseMs · 2^retries, capped by maxMs', () => {
    const policy = { max: 10, baseMs: 100, maxMs: 1000, jitter: false };
    expect([0, 1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('fixed: baseMs every time', () => {
    expect([0, 3, 9].map((n) => retryDelayMs({ max: 10, backoff: 'fixed', baseMs: 250, jitter: false }, n))).toEqual([250, 250, 250]);
  });

  it('defaults: 1 s base, 10 min cap', () => {
    expect(retryDelayMs({ max: 30, jitter: false }, 0)).toBe(1000);
    expect(retryDelayMs({ max: 30, jitter: false }, 20)).toBe(600_000);
  });

  it('full jitter by default: a uniform draw in [0, delay]', () => {
    const policy = { max: 10, baseMs: 100, maxMs: 1000 };
    expect(retryDelayMs(policy, 2, () => 0)).toBe(0);
    expect(retryDelayMs(policy, 2, () => 0.5)).toBe(200);
    expect(retryDelayMs(policy, 2, () => 0.999_999)).toBe(400);
    expect(retryDelayMs(policy, 9, () => 0.5)).toBe(500);
  });
});
