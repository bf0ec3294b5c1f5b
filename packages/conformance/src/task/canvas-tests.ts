import { randomUUID } from 'node:crypto';
import { chain, chord, group } from '@tq/core';
import { expect } from 'vitest';
import type { ResolvedCapabilities, TaskConformanceConfig } from './task-conformance-config.js';
import { itIf, RESULT_TIMEOUT_MS, TaskKit, test } from './task-kit.js';

/** The arithmetic tasks of the canvas tests (Celery's `tasks.add`/`mul`/`tsum`). */
export function mathTasks(kit: TaskKit) {
  return {
    add: kit.task('add', async (x: number, y: number) => x + y),
    mul: kit.task('mul', async (x: number, y: number) => x * y),
    tsum: kit.task('tsum', async (xs: number[]) => xs.reduce((a, b) => a + b, 0)),
    double: kit.task('double', async (x: number) => x * 2),
  };
}

const get = { timeoutMs: RESULT_TIMEOUT_MS };

/** Every canvas shape, run to its result. */
export function canvasTests(config: TaskConformanceConfig, caps: ResolvedCapabilities): void {
  const itChord = itIf(caps.atomicCounters, 'atomic counters in the result backend');

  test('chain: each step gets the previous result; .si() ignores it', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add, mul } = mathTasks(kit);
    await kit.worker();
    expect(await (await chain(add.s(2, 3), add.s(4), mul.s(10)).delay()).get(get)).toBe(90);
    // Celery's captured chain: add(2,2) | add(4) | add(8) | mul.si(3,3) → 9.
    expect(await (await chain(add.s(2, 2), add.s(4), add.s(8), mul.si(3, 3)).delay()).get(get)).toBe(9);
    // Missing arguments of the first step come from delay().
    expect(await (await chain(add.s(1), mul.s(3)).delay(4)).get(get)).toBe(15);
  });

  test('group: members run in parallel; get() is the list of results in member order', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add } = mathTasks(kit);
    await kit.worker();
    const g = await group(add.s(1, 1), add.s(2, 2), add.s(3, 3)).delay();
    expect(g.results).toHaveLength(3);
    expect(await g.get(get)).toEqual([2, 4, 6]);
    expect(await g.completedCount()).toBe(3);
  });

  itChord('chord: the body gets the list of header results', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add, tsum } = mathTasks(kit);
    await kit.worker();
    expect(await (await chord([add.s(1, 1), add.s(2, 2), add.s(3, 3)], tsum.s()).delay()).get(get)).toBe(12);
  });

  test('chain inside a group', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add, mul } = mathTasks(kit);
    await kit.worker();
    const g = await group(chain(add.s(1, 1), mul.s(10)), add.s(5, 5)).delay();
    expect(await g.get(get)).toEqual([20, 10]);
  });

  itChord('group inside a chain becomes a chord: the next step gets the list', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add, mul, tsum } = mathTasks(kit);
    await kit.worker();
    // add(1,1)=2 → [add(2,10), mul(2,2)] = [12, 4] → tsum = 16.
    expect(await (await chain(add.s(1, 1), group(add.s(10), mul.s(2)), tsum.s()).delay()).get(get)).toBe(16);
  });

  test('group at the end of a chain: the result is the group', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add, mul } = mathTasks(kit);
    await kit.worker();
    expect(await (await chain(add.s(1, 1), group(add.s(10), mul.s(2))).delay()).get(get)).toEqual([12, 4]);
  });

  itChord('chord inside a chain: the steps after it follow the chord body', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add, mul, tsum } = mathTasks(kit);
    await kit.worker();
    // Celery's §12.1 capture: add(1,1)=2 → chord([add(2,10), mul(2,2)], tsum)=16 → mul(16,3)=48.
    expect(await (await chain(add.s(1, 1), chord([add.s(10), mul.s(2)], tsum.s()), mul.s(3)).delay()).get(get)).toBe(48);
  });

  test('link: the callback gets the result; it is listed as a child of the task', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add, mul } = mathTasks(kit);
    await kit.worker();
    const callbackId = randomUUID();
    const r = await add
      .s(2, 3)
      .link(mul.s(10).set({ taskId: callbackId }))
      .delay();
    expect(await r.get(get)).toBe(5);
    expect(await kit.app.asyncResult(callbackId).get(get)).toBe(50);
    expect((await r.meta())?.children).toEqual([[[callbackId, null], null]]);
  });

  test('linkError: the errback gets the failed task id; the callback does not run', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { mul } = mathTasks(kit);
    const failed: string[] = [];
    const onErr = kit.task('on_err', async (taskId: string) => {
      failed.push(taskId);
      return `handled ${taskId}`;
    });
    let boomRuns = 0;
    const boom = kit.task('boom', async (_x: number): Promise<number> => {
      boomRuns++;
      throw new RangeError('out of range');
    });
    await kit.worker();
    const errbackId = randomUUID();
    const callbackId = randomUUID();
    const r = await boom
      .s(1)
      .link(mul.s(2).set({ taskId: callbackId }))
      .linkError(onErr.s().set({ taskId: errbackId }))
      .delay();
    await expect(r.get(get)).rejects.toMatchObject({ remoteType: 'RangeError' });
    expect(await kit.app.asyncResult(errbackId).get(get)).toBe(`handled ${r.id}`);
    expect(failed).toEqual([r.id]);
    expect(boomRuns).toBe(1);
    expect(await kit.app.asyncResult(callbackId).state()).toBe('PENDING');
  });

  test('map, starmap and chunks', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { add, double } = mathTasks(kit);
    await kit.worker();
    expect(await (await double.map([1, 2, 3]).delay()).get(get)).toEqual([2, 4, 6]);
    expect(
      await (
        await add
          .starmap([
            [1, 2],
            [3, 4],
          ])
          .delay()
      ).get(get),
    ).toEqual([3, 7]);
    const chunks = await add
      .chunks(
        [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
        2,
      )
      .delay();
    expect(chunks.results).toHaveLength(2);
    expect(await chunks.get(get)).toEqual([[2, 4], [6]]);
  });
}
