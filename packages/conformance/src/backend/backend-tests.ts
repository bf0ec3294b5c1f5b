import { setTimeout as sleep } from 'node:timers/promises';
import { type ChordPart, type ResultMeta, TqError } from '@tq/core';
import { expect, it } from 'vitest';
import { testIf } from '../support/test-if.js';
import { LOADED_MACHINE_SLACK_MS, reportMs } from '../support/timing.js';
import { waitUntil } from '../support/wait-until.js';
import type { BackendConformanceConfig } from './backend-conformance-config.js';
import { BackendKit, pendingMeta, successMeta } from './backend-kit.js';

/** A push arrives within a few ms; a poll loop (Celery's is 1 s) mostly takes hundreds. */
const PROMPT_PUSH_MS = 100 + LOADED_MACHINE_SLACK_MS;

/** Records, expiry, push, groups and the chord counter. */
export function backendTests(config: BackendConformanceConfig): void {
  const caps = config.capabilities;

  it('capabilities are as declared; optional members exist exactly when declared', async (context) => {
    const backend = await BackendKit.forTest(config, context).backend();
    expect(backend.capabilities).toEqual(caps);
    // Core's runtime keeps the optional members exactly when the transport declares them...
    expect(backend.watch !== undefined).toBe(caps.watch);
    expect(backend.saveGroup !== undefined && backend.restoreGroup !== undefined).toBe(caps.groups);
    expect(backend.claim !== undefined && backend.releaseClaim !== undefined).toBe(caps.claims);
    // ...and so does the transport's own object.
    const { transport } = backend;
    expect(transport.watch !== undefined).toBe(caps.watch);
    expect(transport.saveGroup !== undefined && transport.restoreGroup !== undefined).toBe(caps.groups);
    expect(transport.claim !== undefined && transport.releaseClaim !== undefined).toBe(caps.claims);
    expect(transport.initChord !== undefined && transport.addChordPart !== undefined).toBe(caps.atomicCounters);
    // The chord counter is always callable through the runtime; without the capability it refuses clearly.
    if (!caps.atomicCounters) {
      await expect(backend.initChord('no-counters', 2)).rejects.toSatisfy((e) => TqError.is(e, 'TQ_UNSUPPORTED_CAPABILITY'));
    }
  });

  it('stores and reads a record; the last write wins', async (context) => {
    const kit = BackendKit.forTest(config, context);
    const backend = await kit.backend();
    const id = kit.id();
    const started: ResultMeta = { ...successMeta(id, { pid: 1, hostname: 'h' }), status: 'STARTED', date_done: null };
    await backend.set(id, started);
    expect(await backend.get(id)).toEqual(started);
    const done = successMeta(id, { nested: [1, 'two', null], unicode: 'zażółć 🐢' });
    await backend.set(id, done);
    expect(await backend.get(id)).toEqual(done);
  });

  it('never overwrites a stored SUCCESS (a late RETRY or a redelivered attempt cannot undo it)', async (context) => {
    const kit = BackendKit.forTest(config, context);
    const backend = await kit.backend();
    const id = kit.id();
    const done = successMeta(id, 42);
    await backend.set(id, done);
    await backend.set(id, { ...done, status: 'RETRY', result: null });
    await backend.set(id, {
      ...done,
      status: 'FAILURE',
      result: { exc_type: 'ValueError', exc_message: ['late'], exc_module: 'builtins' },
    });
    expect(await backend.get(id)).toEqual(done);
  });

  it('an unknown task reads as undefined (PENDING: never stored)', async (context) => {
    const kit = BackendKit.forTest(config, context);
    expect(await (await kit.backend()).get(kit.id())).toBeUndefined();
  });

  it('forget deletes the record', async (context) => {
    const kit = BackendKit.forTest(config, context);
    const backend = await kit.backend();
    const id = kit.id();
    await backend.set(id, successMeta(id, 1));
    await backend.forget(id);
    expect(await backend.get(id)).toBeUndefined();
  });

  testIf(caps.ttl, 'capabilities.ttl')('a record expires after its ttlMs', async (context) => {
    const kit = BackendKit.forTest(config, context);
    const backend = await kit.backend();
    const [short, long] = [kit.id('short'), kit.id('long')];
    await backend.set(short, successMeta(short, 1), { ttlMs: 150 });
    await backend.set(long, successMeta(long, 2), { ttlMs: 60_000 });
    expect(await backend.get(short)).toBeDefined();
    await sleep(400);
    expect(await backend.get(short)).toBeUndefined();
    expect(await backend.get(long)).toBeDefined();
  });

  testIf(caps.watch, 'capabilities.watch')('watch pushes every later write of that task, promptly, until unsubscribed', async (context) => {
    const kit = BackendKit.forTest(config, context);
    const [reader, writer] = [await kit.backend(), await kit.backend()];
    const [id, other] = [kit.id(), kit.id('other')];
    const pushed: { meta: ResultMeta; at: number }[] = [];
    const stop = await reader.watch?.(id, (meta) => pushed.push({ meta, at: performance.now() }));
    // Right after watch() resolves the subscription is live: this write must not be missed.
    const started: ResultMeta = { ...successMeta(id, null), status: 'STARTED', date_done: null };
    const writtenAt = performance.now();
    await writer.set(id, started);
    await writer.set(other, successMeta(other, 'not for this watcher'));
    await waitUntil(() => pushed.length === 1, 'the first push');
    const done = successMeta(id, 42);
    const doneWrittenAt = performance.now();
    await writer.set(id, done);
    await waitUntil(() => pushed.length === 2, 'the second push');
    expect(pushed.map((p) => p.meta)).toEqual([started, done]);
    // Pushed, not polled: a poll loop would show up as hundreds of ms here (both pushes are
    // checked, so one lucky poll cannot pass for a push).
    const latencies = [(pushed[0]?.at ?? Number.NaN) - writtenAt, (pushed[1]?.at ?? Number.NaN) - doneWrittenAt];
    await reportMs(context, 'write → push', latencies);
    for (const ms of latencies) expect(ms).toBeLessThan(PROMPT_PUSH_MS);

    await stop?.();
    await writer.set(id, successMeta(id, 'after unsubscribe'));
    await sleep(100);
    expect(pushed).toHaveLength(2);
  });

  testIf(caps.watch, 'capabilities.watch')('close() stops every watch', async (context) => {
    const kit = BackendKit.forTest(config, context);
    const [reader, writer] = [await kit.backend(), await kit.backend()];
    const id = kit.id();
    const pushed: ResultMeta[] = [];
    await reader.watch?.(id, (meta) => pushed.push(meta));
    await reader.close();
    await writer.set(id, successMeta(id, 1));
    await sleep(100);
    expect(pushed).toHaveLength(0);
  });

  testIf(caps.groups, 'capabilities.groups')('groups: save and restore member ids in order', async (context) => {
    const kit = BackendKit.forTest(config, context);
    const backend = await kit.backend();
    const [group, missing] = [kit.id('group'), kit.id('missing')];
    const members = ['c', 'a', 'b'].map((label) => kit.id(label));
    await backend.saveGroup?.(group, members);
    expect(await backend.restoreGroup?.(group)).toEqual(members);
    expect(await backend.restoreGroup?.(missing)).toBeUndefined();
  });

  const withClaims = testIf(caps.claims, 'capabilities.claims');

  withClaims('claim: 20 racing claims of one id, exactly one stores its PENDING record', async (context) => {
    const kit = BackendKit.forTest(config, context);
    // Two connections race, as two senders would.
    const backends = [await kit.backend(), await kit.backend()];
    const id = kit.id();
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => backends[i % 2]?.claim?.(id, { ...pendingMeta(id), name: `claimer ${i}` })),
    );
    expect(claims.filter((won) => won === true)).toHaveLength(1);
    const winner = claims.indexOf(true);
    expect(await backends[0]?.get(id)).toEqual({ ...pendingMeta(id), name: `claimer ${winner}` });
  });

  withClaims('claim: an id with any record is taken; releaseClaim deletes only a PENDING one', async (context) => {
    const kit = BackendKit.forTest(config, context);
    const backend = await kit.backend();
    const [claimed, running, done] = [kit.id('claimed'), kit.id('running'), kit.id('done')];
    await backend.set(running, { ...successMeta(running, null), status: 'STARTED', date_done: null });
    await backend.set(done, successMeta(done, 42));
    expect(await backend.claim?.(running, pendingMeta(running))).toBe(false);
    expect(await backend.claim?.(done, pendingMeta(done))).toBe(false);
    // Released: claimable again. A worker's state is never released, the claim's own only.
    expect(await backend.claim?.(claimed, pendingMeta(claimed))).toBe(true);
    await backend.releaseClaim?.(claimed);
    expect(await backend.get(claimed)).toBeUndefined();
    expect(await backend.claim?.(claimed, pendingMeta(claimed))).toBe(true);
    await backend.set(claimed, successMeta(claimed, 'ran'));
    await backend.releaseClaim?.(claimed);
    await backend.releaseClaim?.(done);
    expect((await backend.get(claimed))?.result).toBe('ran');
    expect((await backend.get(done))?.result).toBe(42);
  });

  testIf(caps.claims && caps.ttl, 'capabilities.claims and ttl')('claim: the claim expires with its ttlMs', async (context) => {
    const kit = BackendKit.forTest(config, context);
    const backend = await kit.backend();
    const id = kit.id();
    expect(await backend.claim?.(id, pendingMeta(id), { ttlMs: 150 })).toBe(true);
    expect(await backend.claim?.(id, pendingMeta(id))).toBe(false);
    await sleep(400);
    expect(await backend.claim?.(id, pendingMeta(id))).toBe(true);
  });

  const withCounters = testIf(caps.atomicCounters, 'capabilities.atomicCounters');

  withCounters(
    'chord counter: 100 concurrent parts, exactly one caller gets all 100 in index order',
    async (context) => {
      const kit = BackendKit.forTest(config, context);
      // Two connections race, as two workers would.
      const backends = [await kit.backend(), await kit.backend()];
      const chord = kit.id('chord');
      await backends[0]?.initChord?.(chord, 100);
      const parts: ChordPart[] = Array.from({ length: 100 }, (_, index) => ({
        index,
        taskId: `${chord}-member-${index}`,
        state: 'SUCCESS',
        result: { index },
      }));
      const shuffled = [...parts].sort(() => Math.random() - 0.5);
      const answers = await Promise.all(shuffled.map((part, i) => backends[i % 2]?.addChordPart?.(chord, part)));
      const winners = answers.filter((answer) => answer !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toEqual(parts);
    },
    30_000,
  );

  withCounters('chord counter: a redelivered member (same taskId) counts once', async (context) => {
    const kit = BackendKit.forTest(config, context);
    const backend = await kit.backend();
    const chord = kit.id('chord');
    await backend.initChord?.(chord, 3);
    const part = (index: number): ChordPart => ({ index, taskId: `${chord}-${index}`, state: 'SUCCESS', result: index });
    expect(await backend.addChordPart?.(chord, part(1))).toBeUndefined();
    expect(await backend.addChordPart?.(chord, part(1))).toBeUndefined();
    expect(await backend.addChordPart?.(chord, part(0))).toBeUndefined();
    const failed: ChordPart = {
      ...part(2),
      state: 'FAILURE',
      result: { exc_type: 'ValueError', exc_message: ['x'], exc_module: 'builtins' },
    };
    expect(await backend.addChordPart?.(chord, failed)).toEqual([part(0), part(1), failed]);
    // After completion nobody else gets the parts, duplicates included.
    expect(await backend.addChordPart?.(chord, failed)).toBeUndefined();
  });

  withCounters('chord counter: parts recorded before the size exists count once it does (Python order)', async (context) => {
    const kit = BackendKit.forTest(config, context);
    const backend = await kit.backend();
    const chord = kit.id('chord');
    const part = (index: number, result: unknown = index): ChordPart => ({ index, taskId: `${chord}-${index}`, state: 'SUCCESS', result });
    // Python writes the size just before it sends the last member: the others may finish first.
    expect(await backend.addChordPart?.(chord, part(0))).toBeUndefined();
    expect(await backend.addChordPart?.(chord, part(2))).toBeUndefined();
    // A member recorded before the size, run again with another result, counts once (its first result).
    expect(await backend.addChordPart?.(chord, part(0, 'second run'))).toBeUndefined();
    await backend.initChord?.(chord, 3);
    expect(await backend.addChordPart?.(chord, part(1))).toEqual([part(0), part(1), part(2)]);
    expect(await backend.addChordPart?.(chord, part(1))).toBeUndefined();
  });

  withCounters('chord counter: a duplicate completes a chord whose parts were all in before its size', async (context) => {
    const kit = BackendKit.forTest(config, context);
    const backend = await kit.backend();
    const chord = kit.id('chord');
    const part = (index: number): ChordPart => ({ index, taskId: `${chord}-${index}`, state: 'SUCCESS', result: index });
    expect(await backend.addChordPart?.(chord, part(0))).toBeUndefined();
    expect(await backend.addChordPart?.(chord, part(1))).toBeUndefined();
    await backend.initChord?.(chord, 2);
    // Nothing counts until a part arrives; a redelivered member is that part.
    expect(await backend.addChordPart?.(chord, part(1))).toEqual([part(0), part(1)]);
    expect(await backend.addChordPart?.(chord, part(0))).toBeUndefined();
  });
}
