import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type App, chain, chord, createApp, group, RemoteTaskError, TqError, UnsupportedCapabilityError } from '@tq/core';
import { expect } from 'vitest';
import { mathTasks } from './canvas-tests.js';
import type { ResolvedCapabilities, TaskConformanceConfig } from './task-conformance-config.js';
import { itIf, RESULT_TIMEOUT_MS, TaskKit, test } from './task-kit.js';
import { withoutAtomicCounters } from './without-atomic-counters.js';

const get = { timeoutMs: RESULT_TIMEOUT_MS };

/** A task that always fails, and a counter of how often a "never reached" step ran. */
function failingTasks(kit: TaskKit) {
  const ran = { after: 0 };
  return {
    ran,
    boom: kit.task('boom', async (x: number): Promise<number> => {
      throw new TypeError(`kaboom ${x}`);
    }),
    after: kit.task('after', async (x: number) => {
      ran.after++;
      return x;
    }),
  };
}

/**
 * An app on the kit's broker whose result backend has no atomic counters: the kit's own app when
 * its backend has none (`rpc://`: results go back only to the app that sent the call), else an
 * app whose backend shares the kit's records but hides the counter.
 */
async function appWithoutCounters(kit: TaskKit, caps: ResolvedCapabilities): Promise<App> {
  if (!caps.atomicCounters) return kit.app;
  const app = createApp({ broker: await kit.app.broker(), backend: withoutAtomicCounters(await kit.app.resultBackend()) });
  kit.adopt(app);
  return app;
}

/** What happens when part of a canvas fails: nothing waits forever, errors say what failed. */
export function canvasFailureTests(config: TaskConformanceConfig, caps: ResolvedCapabilities): void {
  const itChord = itIf(caps.atomicCounters, 'atomic counters in the result backend');

  test('a failing step stops its chain: the chain result rejects with that error, later steps never run', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add } = mathTasks(kit);
    const { boom, after, ran } = failingTasks(kit);
    await kit.worker();
    const r = await chain(add.s(1, 1), boom.s(), after.s()).delay();
    const error = await r.get(get).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteTaskError);
    expect(error).toMatchObject({ remoteType: 'TypeError', message: expect.stringContaining('kaboom 2') });
    expect(await r.state()).toBe('FAILURE');
    await sleep(50);
    expect(ran.after).toBe(0);
  });

  itChord('a failing step before a chord in a chain fails the chord body too', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add, tsum } = mathTasks(kit);
    const { boom } = failingTasks(kit);
    await kit.worker();
    const r = await chain(add.s(1, 1), boom.s(), group(add.s(1), add.s(2)), tsum.s()).delay();
    await expect(r.get(get)).rejects.toMatchObject({ remoteType: 'TypeError' });
  });

  test('a failing group member makes the group get() reject; the others still succeed', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add } = mathTasks(kit);
    const { boom } = failingTasks(kit);
    await kit.worker();
    const g = await group(add.s(1, 1), boom.s(5), add.s(3, 3)).delay();
    await expect(g.get(get)).rejects.toMatchObject({ remoteType: 'TypeError', message: expect.stringContaining('kaboom 5') });
    const [first, , third] = g.results;
    expect(await first?.get(get)).toBe(2);
    expect(await third?.get(get)).toBe(6);
  });

  itChord('a failing chord header member fails the chord with a ChordError naming it; the body never runs', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add } = mathTasks(kit);
    const { boom } = failingTasks(kit);
    let bodyRuns = 0;
    const body = kit.task('body', async (xs: number[]) => {
      bodyRuns++;
      return xs.length;
    });
    await kit.worker();
    const failingId = randomUUID();
    const r = await chord([add.s(1, 1), boom.s(9).set({ taskId: failingId }), add.s(3, 3)], body.s()).delay();
    const error = await r.get(get).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteTaskError);
    expect((error as RemoteTaskError).remoteType).toBe('ChordError');
    expect((error as RemoteTaskError).message).toContain(failingId);
    expect((error as RemoteTaskError).message).toContain('kaboom 9');
    await sleep(50);
    expect(bodyRuns).toBe(0);
  });

  itChord('a chord of 120 header tasks fires its body exactly once', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add } = mathTasks(kit);
    let bodyRuns = 0;
    const total = kit.task('total', async (xs: number[]) => {
      bodyRuns++;
      return { count: xs.length, sum: xs.reduce((a, b) => a + b, 0), ordered: xs.every((x, i) => x === 2 * i) };
    });
    await kit.worker({ concurrency: 16 });
    const header = Array.from({ length: 120 }, (_, i) => add.s(i, i));
    const r = await chord(header as [(typeof header)[number], ...typeof header], total.s()).delay();
    expect(await r.get(get)).toEqual({ count: 120, sum: 119 * 120, ordered: true });
    await sleep(100);
    expect(bodyRuns).toBe(1);
  });

  test('chord() on a backend without atomic counters is refused with a clear error; nothing is sent', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const app = await appWithoutCounters(kit, caps);
    const add = app.task('add', { queue: kit.queue }, async (x: number, y: number) => x + y);
    const tsum = app.task('tsum', { queue: kit.queue }, async (xs: number[]) => xs.reduce((a, b) => a + b, 0));
    const error = await chord([add.s(1, 1), add.s(2, 2)], tsum.s())
      .delay()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedCapabilityError);
    expect(TqError.is(error, 'TQ_UNSUPPORTED_CAPABILITY')).toBe(true);
    expect((error as Error).message).toMatch(/atomic counters/);
    expect(await (await app.broker()).size(kit.queue)).toBe(0);
  });

  test('a chord inside a chain on a backend without atomic counters fails the chain instead of hanging', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const app = await appWithoutCounters(kit, caps);
    const add = app.task('add', { queue: kit.queue }, async (x: number, y: number) => x + y);
    const tsum = app.task('tsum', { queue: kit.queue }, async (xs: number[]) => xs.reduce((a, b) => a + b, 0));
    await kit.worker({}, app);
    const r = await chain(add.s(1, 1), group(add.s(1), add.s(2)), tsum.s()).delay();
    const error = await r.get(get).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteTaskError);
    expect((error as Error).message).toMatch(/atomic counters/);
  });
}
