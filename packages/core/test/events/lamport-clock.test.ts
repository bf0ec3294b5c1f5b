import { describe, expect, it } from 'vitest';
import { LamportClock } from '../../src/index.js';

describe('LamportClock (Celery semantics)', () => {
  it('ticks by one for each local event, from 0', () => {
    const clock = new LamportClock();
    expect(clock.value).toBe(0);
    expect([clock.tick(), clock.tick(), clock.tick()]).toEqual([1, 2, 3]);
    expect(clock.value).toBe(3);
  });

  it('observing a remote value moves past the larger of the two', () => {
    const clock = new LamportClock(5);
    expect(clock.observe(10)).toBe(11);
    // A remote value behind ours still advances the clock by one.
    expect(clock.observe(3)).toBe(12);
    expect(clock.value).toBe(12);
  });

  it('a remote value that is not a finite number only ticks the clock', () => {
    const clock = new LamportClock(4);
    expect(clock.observe(Number.NaN)).toBe(5);
    expect(clock.observe(Number.POSITIVE_INFINITY)).toBe(6);
    expect(clock.observe(7.9)).toBe(8);
  });
});
