import { afterEach, describe, expect, it } from 'vitest';
import { type App, chord, createApp, MemoryBroker, MemoryResultBackend, RemoteTaskError } from '../../src/index.js';

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

describe('chord failures', () => {
  it('a chord body that cannot be sent (over the broker size limit) fails with a ChordError instead of hanging', async () => {
    const app = createApp({ broker: new MemoryBroker({ maxMessageBytes: 4096 }), backend: new MemoryResultBackend() });
    apps.push(app);
    const big = app.task('big', async (n: number) => 'x'.repeat(n));
    let bodyRuns = 0;
    const count = app.task('count', async (texts: string[]) => {
      bodyRuns++;
      return texts.length;
    });
    const worker = app.worker();
    await worker.start();
    // Each header message is small; the body carries both 3000-char results: over 4096 bytes.
    const r = await chord([big.s(3000), big.s(3000)], count.s()).delay();
    const error = await r.get({ timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteTaskError);
    expect(error).toMatchObject({ remoteType: 'ChordError', message: expect.stringMatching(/4096/) });
    expect(bodyRuns).toBe(0);
    await worker.close();
  });
});
