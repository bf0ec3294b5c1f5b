import { afterEach, describe, expect, it } from 'vitest';
import { type App, chain, chord, createApp, group } from '../../src/index.js';

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

function setup() {
  const app = createApp({ broker: 'memory://', backend: 'memory://' });
  apps.push(app);
  const add = app.task('add', async (x: number, y: number) => x + y);
  const sum = app.task('sum', async (xs: number[]) => xs.reduce((a, b) => a + b, 0));
  const boom = app.task('boom', async (_x: number) => {
    throw new TypeError('kaboom');
  });
  return { app, add, sum, boom };
}

describe('runtime smoke', () => {
  it('runs delay, chain, group, chord', async () => {
    const { app, add, sum } = setup();
    const worker = app.worker({ concurrency: 4 });
    await worker.start();
    expect(await (await add.delay(2, 3)).get({ timeoutMs: 2000 })).toBe(5);
    expect(await (await chain(add.s(2, 3), add.s(4), add.s(5)).delay()).get({ timeoutMs: 2000 })).toBe(14);
    expect(await (await group(add.s(1, 1), add.s(2, 2)).delay()).get({ timeoutMs: 2000 })).toEqual([2, 4]);
    expect(await (await chord([add.s(1, 1), add.s(2, 2)], sum.s()).delay()).get({ timeoutMs: 2000 })).toBe(6);
    await worker.close();
  });

  it('rejects with the remote error', async () => {
    const { app, boom } = setup();
    const worker = app.worker();
    await worker.start();
    const r = await boom.delay(1);
    await expect(r.get({ timeoutMs: 2000 })).rejects.toMatchObject({ remoteType: 'TypeError', message: expect.stringContaining('kaboom') });
    await worker.close();
  });
});
