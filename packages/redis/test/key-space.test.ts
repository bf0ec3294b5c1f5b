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

describe('KeySpace mailboxes', () => {
  it("standalone: kombu's reply binding and lists, so Python callers and workers share them", () => {
    const keys = new KeySpace('app:', false);
    expect(keys.mailboxes.binding).toBe('app:_kombu.binding.reply.celery.pidbox');
    expect(keys.mailbox('abc')).toBe('app:abc.reply.celery.pidbox');
    expect(`${keys.mailboxes.listPrefix}abc${keys.mailboxes.listSuffix}`).toBe(keys.mailbox('abc'));
  });

  it('cluster: every mailbox key, wake lists included, shares one hash tag', () => {
    const keys = new KeySpace('app:', true);
    for (const key of [keys.mailboxes.binding, keys.mailboxes.deadlines, keys.mailbox('abc'), keys.mailboxWake('r1')]) {
      expect(key.match(/\{[^}]*\}/)?.[0]).toBe('{reply.celery.pidbox}');
    }
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
