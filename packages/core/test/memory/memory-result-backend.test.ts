import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryResultBackend } from '../../src/memory/index.js';
import type { ResultMeta } from '../../src/spec/index.js';

const open: MemoryResultBackend[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((backend) => backend.close()));
});

async function connected(config?: ConstructorParameters<typeof MemoryResultBackend>[0]): Promise<MemoryResultBackend> {
  const backend = new MemoryResultBackend(config);
  open.push(backend);
  await backend.connect();
  return backend;
}

const meta = (taskId: string, result: unknown): ResultMeta => ({
  status: 'SUCCESS',
  result,
  traceback: null,
  children: [],
  date_done: null,
  task_id: taskId,
});

describe('MemoryResultBackend', () => {
  it("keeps records as kombu's JSON, like a real backend: Dates and bytes come back, absent properties stay absent", async () => {
    const backend = await connected();
    const when = new Date('2024-01-02T03:04:05.678Z');
    await backend.set('t', meta('t', { when, bytes: Buffer.from([0xff, 1]), gone: undefined, kept: 1 }));
    const result = (await backend.get('t'))?.result as Record<string, unknown>;
    expect(result).toEqual({ when, bytes: Buffer.from([0xff, 1]), kept: 1 });
    expect(result.when).toBeInstanceOf(Date);
    expect('gone' in result).toBe(false);
  });

  it('refuses a record holding a value JSON cannot carry, naming its path', async () => {
    const backend = await connected();
    await expect(backend.set('t', meta('t', { tally: new Map([['a', 1]]) }))).rejects.toThrow(
      /value\.result\.tally is a Map, which JSON cannot carry/,
    );
    expect(await backend.get('t')).toBeUndefined();
  });

  it('hands out copies: mutating a read record changes nothing stored', async () => {
    const backend = await connected();
    await backend.set('t', meta('t', { n: 1 }));
    const read = await backend.get('t');
    (read?.result as { n: number }).n = 2;
    expect((await backend.get('t'))?.result).toEqual({ n: 1 });
  });

  it('applies the configured default expiry when set() gives none', async () => {
    const backend = await connected({ expiresMs: 50 });
    await backend.set('t', meta('t', 1));
    await backend.saveGroup('g', ['t']);
    await sleep(100);
    expect(await backend.get('t')).toBeUndefined();
    expect(await backend.restoreGroup('g')).toBeUndefined();
  });

  it('a part of a chord not announced yet is recorded and counted once the chord is (Python announces last)', async () => {
    const backend = await connected();
    const part = (taskId: string, index: number) => ({ index, taskId, state: 'SUCCESS', result: taskId });
    expect(await backend.addChordPart('early', part('a', 0))).toBeUndefined();
    await backend.initChord('early', 2);
    expect((await backend.addChordPart('early', part('b', 1)))?.map((p) => p.taskId)).toEqual(['a', 'b']);
    // Announced again after it fired: a new run, counted from nothing.
    await backend.initChord('early', 1);
    expect((await backend.addChordPart('early', part('c', 0)))?.map((p) => p.taskId)).toEqual(['c']);
  });

  it('an unannounced chord record expires like the others', async () => {
    const backend = await connected({ expiresMs: 50 });
    const part = (taskId: string, index: number) => ({ index, taskId, state: 'SUCCESS', result: taskId });
    await backend.addChordPart('stale', part('a', 0));
    await sleep(100);
    await backend.initChord('stale', 2);
    expect(await backend.addChordPart('stale', part('b', 1))).toBeUndefined();
  });

  it('chord parts without a finite index sort last, in arrival order', async () => {
    const backend = await connected();
    await backend.initChord('c', 3);
    const part = (taskId: string, index: number) => ({ index, taskId, state: 'SUCCESS', result: taskId });
    await backend.addChordPart('c', part('x', Number.NaN));
    await backend.addChordPart('c', part('b', 1));
    const parts = await backend.addChordPart('c', part('a', 0));
    expect(parts?.map((p) => p.taskId)).toEqual(['a', 'b', 'x']);
  });
});
