import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp, type Worker } from '../../src/index.js';

const open: { app: App; worker?: Worker }[] = [];
afterEach(async () => {
  for (const { worker } of open) await worker?.close({ timeoutMs: 100 });
  for (const { app } of open.splice(0)) await app.close();
});

/**
 * Eight long tasks waiting, then two workers of two slots start, one just before the other: how many
 * does each run? (The advice in docs/cli.md and the banner: long tasks want --prefetch-multiplier 1.)
 */
async function spread(prefetchMultiplier: number): Promise<number[]> {
  const url = `memory://prefetch-${randomUUID()}`;
  const apps = [0, 1].map(() => createApp({ broker: url, backend: url }));
  const ranOn: number[] = [];
  const tasks = apps.map((app, index) =>
    app.task('long', async () => {
      ranOn.push(index);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }),
  );
  for (const app of apps) open.push({ app });
  const results = await Promise.all(Array.from({ length: 8 }, () => (tasks[0] as (typeof tasks)[0]).delay()));
  for (const [index, app] of apps.entries()) {
    const worker = app.worker({ concurrency: 2, prefetchMultiplier });
    (open[index] as { worker?: Worker }).worker = worker;
    await worker.start();
  }
  await Promise.all(results.map((r) => r.get({ timeoutMs: 10_000 })));
  return [0, 1].map((index) => ranOn.filter((i) => i === index).length);
}

describe('prefetch and long tasks', () => {
  it('multiplier 4 (the default): the first worker holds all eight while the second idles', async () => {
    expect(await spread(4)).toEqual([8, 0]);
  });

  it('multiplier 1: each worker holds one per slot, so both work', async () => {
    const [first, second] = await spread(1);
    expect(first).toBeGreaterThanOrEqual(2);
    expect(second).toBeGreaterThanOrEqual(2);
    expect((first ?? 0) + (second ?? 0)).toBe(8);
  });
});
