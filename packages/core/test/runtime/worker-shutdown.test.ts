import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, type BrokerCapabilities, createApp, createTaskMessage, MemoryBroker, MemoryResultBackend } from '../../src/index.js';

/** close()'s grace period in the two tests below: "at once" means well under it, on any machine. */
const GRACE_MS = 5000;

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

describe('warm shutdown', () => {
  it('a task still waiting for its rate limit when close() begins is returned, not started', async () => {
    const broker = new MemoryBroker({ name: `shutdown-${Math.random()}` });
    const app = createApp({ broker, backend: new MemoryResultBackend() });
    apps.push(app);
    const started: number[] = [];
    // 10/s: the second call may start 100 ms after the first, the third 200 ms after.
    const limited = app.task('limited', { rateLimit: '10/s' }, async (n: number) => {
      started.push(n);
      return n;
    });
    const worker = app.worker({ concurrency: 4 });
    await worker.start();
    const results = [await limited.delay(0), await limited.delay(1), await limited.delay(2)];
    await results[0]?.get({ timeoutMs: 2000 });
    await worker.close({ timeoutMs: 1000 });
    expect(started).toEqual([0]);
    expect(await broker.size('celery')).toBe(2);

    const next = app.worker();
    await next.start();
    expect(await Promise.all(results.map((r) => r.get({ timeoutMs: 2000 })))).toEqual([0, 1, 2]);
    await next.close();
  });

  it('close() does not wait out a long rate-limit pause: the waiting task goes back at once', async (context) => {
    const broker = new MemoryBroker();
    const app = createApp({ broker, backend: new MemoryResultBackend() });
    apps.push(app);
    // 2/m: the second call may only start 30 s after the first.
    const slow = app.task('slow', { rateLimit: '2/m' }, async (n: number) => n);
    const worker = app.worker();
    await worker.start();
    const first = await slow.delay(1);
    const second = await slow.delay(2);
    expect(await first.get({ timeoutMs: 2000 })).toBe(1);
    const closing = Date.now();
    await worker.close({ timeoutMs: GRACE_MS });
    const closeMs = Date.now() - closing;
    await context.annotate(`close(): ${closeMs} ms`);
    expect(closeMs).toBeLessThan(GRACE_MS / 2);
    expect(await broker.size('celery')).toBe(1);
    expect(await second.state()).toBe('PENDING');
  });

  it('close() does not wait out an eta held in the worker (broker without delay): it goes back at once', async (context) => {
    const name = `no-delay-${randomUUID()}`;
    // A memory broker declaring no delay: the worker must hold early messages itself.
    const broker = new MemoryBroker({ name });
    (broker as { capabilities: BrokerCapabilities }).capabilities = { ...broker.capabilities, delay: false };
    const memory = new MemoryBroker({ name });
    await memory.connect();
    const app = createApp({ broker, backend: new MemoryResultBackend() });
    apps.push(app);
    app.task('add', async (x: number, y: number) => x + y);
    const worker = app.worker();
    await worker.start();
    const id = randomUUID();
    // As a Python producer sends countdown=60: an eta header, no broker delay.
    const message = createTaskMessage({ task: 'add', id, args: [1, 2], eta: new Date(Date.now() + 60_000) });
    await memory.publish('celery', message);
    await expect.poll(() => memory.size('celery'), { timeout: 1000, interval: 5 }).toBe(0);
    const closing = Date.now();
    await worker.close({ timeoutMs: GRACE_MS });
    const closeMs = Date.now() - closing;
    await context.annotate(`close(): ${closeMs} ms`);
    expect(closeMs).toBeLessThan(GRACE_MS / 2);
    expect(await memory.size('celery')).toBe(1);
    expect(await app.asyncResult(id).state()).toBe('PENDING');
    await memory.close();
  });
});
