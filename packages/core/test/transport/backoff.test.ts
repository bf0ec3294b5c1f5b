import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/index.js';

describe('Backoff', () => {
  it('starts at first, doubles up to the cap, and starts over after reset', () => {
    const backoff = new Backoff(50, 300);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([50, 100, 200, 300]);
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });
});
