import { describe, expect, it } from 'vitest';
import { KeySpace } from '../src/key-space.js';
import { kombuPriorityOf, tqPriorityOf } from '../src/priority.js';

describe('KeySpace', () => {
  it('standalone: kombu list names, bucket 0 is the queue itself', () => {
    const keys = new KeySpace('', false).queue('celery');
    expect(keys.ready[0]).toBe('celery');
    expect(keys.ready[3]).toBe('celery\x06\x163');
    expect(keys.ready[9]).toBe('celery\x06\x169');
    expect(keys.unacked).toBe('_tq.celery.unacked');
  });

  it('cluster: every key of a queue shares one hash tag; doorbells share another', () => {
    const keys = new KeySpace('app:', true).queue('celery');
    for (const key of keys.settleKeys) expect(key).toContain('{celery}');
    expect(keys.ready[0]).toBe('app:{celery}');
    expect(keys.marker).toBe('app:{_tq.markers}.celery');
  });
});

describe('priority mapping', () => {
  it('tq 9 (first) is kombu 0 (first), and back', () => {
    expect(kombuPriorityOf(9)).toBe(0);
    expect(kombuPriorityOf(0)).toBe(9);
    expect(kombuPriorityOf(undefined)).toBe(9);
    expect(tqPriorityOf(0)).toBe(9);
    expect(tqPriorityOf(undefined)).toBe(9);
    for (let p = 0; p <= 9; p++) expect(tqPriorityOf(kombuPriorityOf(p))).toBe(p);
  });
});
