import { describe, expect, it } from 'vitest';
import { DelayLadder } from '../src/topology/delay-ladder.js';

describe('DelayLadder', () => {
  const ladder = new DelayLadder(4);

  it('covers 2^levels - 1 ms', () => {
    expect(ladder.maxDelayMs).toBe(15);
    expect(new DelayLadder(32).maxDelayMs).toBe(2 ** 32 - 1);
  });

  it('routes by the delay bits (most significant first), rounding up, then the queue', () => {
    expect(ladder.routingKey('celery', 5)).toBe('0.1.0.1.celery');
    expect(ladder.routingKey('a.b', 4.2)).toBe('0.1.0.1.a.b');
    expect(ladder.routingKey('q', 99)).toBe('1.1.1.1.q');
  });

  it('binds level k on bit k, passes on when clear, delivers on the exact queue words', () => {
    expect(ladder.levelPattern('a.b', 0)).toBe('*.*.*.1.a.b');
    expect(ladder.levelPattern('a.b', 3)).toBe('1.*.*.*.a.b');
    expect(ladder.passPattern(3)).toBe('0.#');
    expect(ladder.passPattern(0)).toBe('*.*.*.0.#');
    expect(ladder.deliverPattern('a.b')).toBe('*.*.*.*.a.b');
    expect(ladder.nextExchange(0)).toBe(DelayLadder.deliverExchange);
    expect(ladder.nextExchange(2)).toBe('tq.delay.1');
  });

  it('refuses queue names that would be wildcards, too long, and bad level counts', () => {
    expect(() => ladder.levelPattern('a.*.b', 0)).toThrow(/wildcard/);
    expect(() => new DelayLadder(32).routingKey('q'.repeat(200), 1)).toThrow(/too long/);
    expect(() => new DelayLadder(0)).toThrow(/delayLevels/);
  });
});
