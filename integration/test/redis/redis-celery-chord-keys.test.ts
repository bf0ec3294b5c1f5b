import { randomUUID } from 'node:crypto';
import type { ChordPart } from '@tq/core';
import { RedisResultBackend } from '@tq/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerUrl } from '../../harness/index.js';
import { waitUntil } from '../../harness/wait-until.js';

/**
 * tq and Python workers sharing one chord on Redis (ADR 22). A Python worker's writes are made
 * here with the commands its `on_chord_part_return` runs (celery/backends/redis.py), so each test
 * states the key layout it relies on: 5.6 writes `.j/.s/.t`; 5.7 adds `.d` ('<task id>:<score>'
 * per recorded part) and `.c` (dispatch claim token, then 'done').
 */
describe('redis: chord keys shared with Celery 5.6 and 5.7 workers', () => {
  const redis = new Redis(brokerUrl('redis'));
  const backend = new RedisResultBackend({ url: brokerUrl('redis') });
  const keysOf = (groupId: string) => {
    const base = `celery-taskset-meta-${groupId}`;
    return { j: `${base}.j`, s: `${base}.s`, t: `${base}.t`, d: `${base}.d`, c: `${base}.c` };
  };
  const part = (groupId: string, index: number, result: unknown = index): ChordPart => ({
    index,
    taskId: `${groupId}-${index}`,
    state: 'SUCCESS',
    result,
  });
  /** A Python 5.7 worker's part: ZADD `.j` and SADD `.d` unless `.d` has it (5.6 writes no `.d`). */
  const pythonPart = async (groupId: string, index: number, version: '5.6' | '5.7' = '5.7') => {
    const k = keysOf(groupId);
    const taskId = `${groupId}-${index}`;
    if (version === '5.7' && (await redis.sadd(k.d, `${taskId}:${index}`)) === 0) return;
    await redis.zadd(k.j, index, JSON.stringify([1, taskId, 'SUCCESS', index]));
  };

  beforeAll(() => backend.connect());
  afterAll(async () => {
    await backend.close();
    redis.disconnect();
  });

  it('a part tq records is in `.d` exactly as Python 5.7 writes it, so a Python re-run of that member counts once', async () => {
    const groupId = randomUUID();
    const k = keysOf(groupId);
    await backend.addChordPart(groupId, part(groupId, 3));
    await backend.addChordPart(groupId, { ...part(groupId, 0), index: Number.MAX_SAFE_INTEGER });
    expect((await redis.smembers(k.d)).sort()).toEqual([`${groupId}-0:+inf`, `${groupId}-3:3`]);
    await pythonPart(groupId, 3);
    expect(await redis.zcard(k.j)).toBe(2);
    await redis.del(k.j, k.d);
  });

  it('a part a Python 5.7 worker recorded counts once when the member runs again on tq, with another result', async () => {
    const groupId = randomUUID();
    const k = keysOf(groupId);
    await pythonPart(groupId, 0);
    expect(await backend.addChordPart(groupId, part(groupId, 0, 'second run'))).toBeUndefined();
    expect(await redis.zcard(k.j)).toBe(1);
    await redis.set(k.s, 2);
    expect(await backend.addChordPart(groupId, part(groupId, 1))).toEqual([part(groupId, 0), part(groupId, 1)]);
  });

  it('a chord a Python 5.7 worker has claimed is not fired by tq; once it is done, late tq parts are ignored', async () => {
    const groupId = randomUUID();
    const k = keysOf(groupId);
    await backend.addChordPart(groupId, part(groupId, 0));
    await redis.set(k.s, 2);
    await pythonPart(groupId, 1);
    // Python found the chord complete and took the claim (SET NX EX) before sending the body.
    await redis.set(k.c, randomUUID().replaceAll('-', ''), 'EX', 10, 'NX');
    expect(await backend.addChordPart(groupId, part(groupId, 0))).toBeUndefined();
    // Its cleanup: the data deleted, the claim turned into 'done'.
    await redis.del(k.j, k.t, k.s, k.d);
    await redis.set(k.c, 'done', 'EX', 300);
    expect(await backend.addChordPart(groupId, part(groupId, 0))).toBeUndefined();
    expect(await redis.exists(k.j, k.d)).toBe(0);
    await redis.del(k.c);
  });

  it('a Python 5.7 claim that expired (its worker died before sending the body) is taken over by a tq re-run', async () => {
    const groupId = randomUUID();
    const k = keysOf(groupId);
    await redis.set(k.s, 2);
    expect(await backend.addChordPart(groupId, part(groupId, 0))).toBeUndefined();
    // Python's part completes the chord; it takes the claim (with an expiry) and dies.
    await pythonPart(groupId, 1);
    await redis.set(k.c, randomUUID().replaceAll('-', ''), 'PX', 200, 'NX');
    expect(await backend.addChordPart(groupId, part(groupId, 0))).toBeUndefined();
    await waitUntil(
      async () => {
        if ((await redis.exists(k.c)) === 1) throw new Error('claimed');
      },
      { what: 'the dead worker’s claim to expire', timeoutMs: 10_000, intervalMs: 50 },
    );
    // The claim is gone, the chord's data is not: member 0 redelivered to tq sends the body.
    expect(await backend.addChordPart(groupId, part(groupId, 0))).toEqual([part(groupId, 0), part(groupId, 1)]);
    // What a Python 5.7 worker checks first: a duplicate of its own then returns at once. Kept
    // as long as Celery keeps it (300 s), not a day, so a 5.6 producer can re-send the same id.
    expect(await redis.get(k.c)).toBe('done');
    expect(await redis.pttl(k.c)).toBeGreaterThan(290_000);
    expect(await redis.pttl(k.c)).toBeLessThanOrEqual(300_000);
    expect(await redis.exists(k.j, k.s, k.t, k.d)).toBe(0);
    await redis.del(k.c);
  });

  it('Celery 5.6 parts (`.j` only, no `.d`) and its `.t` extra members are counted', async () => {
    const groupId = randomUUID();
    const k = keysOf(groupId);
    await pythonPart(groupId, 0, '5.6');
    await pythonPart(groupId, 1, '5.6');
    await redis.set(k.s, 3);
    // Task.replace in a member adds to the chord: INCR `.t`.
    await redis.incr(k.t);
    expect(await backend.addChordPart(groupId, part(groupId, 2))).toBeUndefined();
    const parts = await backend.addChordPart(groupId, part(groupId, 3));
    expect(parts?.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    await redis.del(k.c);
  });

  it('initChord clears a finished run’s claim, as Celery 5.7’s set_chord_size does: the same id runs again', async () => {
    const groupId = randomUUID();
    const k = keysOf(groupId);
    await backend.initChord(groupId, 1);
    expect(await backend.addChordPart(groupId, part(groupId, 0))).toEqual([part(groupId, 0)]);
    await backend.initChord(groupId, 1);
    expect(await backend.addChordPart(groupId, part(groupId, 0, 'again'))).toEqual([part(groupId, 0, 'again')]);
    await redis.del(k.c);
  });
});
