import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type App, createApp, currentTask, type WorkerHealth } from '@tq/core';
import { MetricsServer } from '@tq/metrics';
import { RedisBroker } from '@tq/redis';
import { afterEach, expect, it } from 'vitest';
import { brokerUrl } from '../../harness/index.js';
import { type TcpProxy, tcpProxy } from '../../harness/tcp-proxy.js';
import { deleteQueues } from './redis-test-env.js';

/** Short, so the test sees a stall quickly; liveness is about time here, so it is the property measured. */
const STALL_AFTER_MS = 1500;
/** How long consumption stays frozen at least (longer when /health/live takes longer to fail). */
const FROZEN_MS = 3000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function probe(port: number, path: '/health/live' | '/health/ready'): Promise<{ status: number; body: WorkerHealth }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: (await response.json()) as WorkerHealth };
}

async function probeUntil(port: number, path: '/health/live' | '/health/ready', status: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await probe(port, path);
    if (seen.status === status) return seen;
    if (Date.now() > deadline) throw new Error(`${path} stayed ${seen.status} for ${timeoutMs} ms: ${JSON.stringify(seen.body)}`);
    await sleep(200);
  }
}

it('/health/live fails while consumption is frozen (the connection hangs, tasks wait) and recovers once it flows', async () => {
  const queue = `health-${randomUUID().slice(0, 8)}`;
  const direct = new URL(brokerUrl('redis'));
  const proxy: TcpProxy = await tcpProxy(direct.host);
  const proxied = new URL(direct);
  proxied.host = `${proxy.host}:${proxy.port}`;
  const apps: App[] = [];
  cleanups.push(async () => {
    proxy.thaw();
    for (const app of apps) await app.close();
    await proxy.close();
    await deleteQueues('redis', [queue]);
  });
  // The worker reaches Redis through the proxy; the producer directly, so tasks keep arriving while the worker's link hangs.
  // A short visibility timeout: a claim whose reply froze on the wire comes back soon (at-least-once), not in an hour.
  // A long poll interval keeps the transport's own stall watchdog (about 5 s at the default) out of the
  // freeze: what is measured is tq's liveness, not the Redis consumer reconnecting by itself.
  const workerApp = createApp({
    broker: new RedisBroker({ url: proxied.toString(), visibilityTimeoutMs: 3000, pollIntervalMs: 10_000 }),
    defaultQueue: queue,
  });
  const producer = createApp({ broker: new RedisBroker({ url: direct.toString() }), defaultQueue: queue });
  apps.push(producer, workerApp);
  const ran = new Set<string>();
  workerApp.task('health.ok', async () => {
    ran.add(currentTask().id);
  });
  const send = producer.task('health.ok', async () => {});

  const worker = workerApp.worker({ queues: [queue], concurrency: 2, stallAfterMs: STALL_AFTER_MS });
  const server = new MetricsServer({ port: 0, host: '127.0.0.1', worker });
  await server.start();
  cleanups.push(async () => {
    await worker.close({ timeoutMs: 5000 });
    await server.close();
  });
  expect((await probe(server.port, '/health/ready')).body).toMatchObject({ ready: false, reason: 'not started' });
  await worker.start();

  for (let i = 0; i < 3; i++) await send.delay();
  await expect.poll(() => ran.size, { timeout: 15_000 }).toBe(3);
  expect((await probe(server.port, '/health/live')).status).toBe(200);
  expect((await probe(server.port, '/health/ready')).status).toBe(200);

  proxy.freeze();
  const frozenAt = Date.now();
  for (let i = 0; i < 3; i++) await send.delay();
  const dead = await probeUntil(server.port, '/health/live', 503, 30_000);
  expect(dead.body.live).toBe(false);
  expect(dead.body.reason).toMatch(/^not consuming for \d+ ms: /);
  expect((await probe(server.port, '/health/ready')).status).toBe(503);
  expect(ran.size).toBe(3);
  await sleep(Math.max(0, FROZEN_MS - (Date.now() - frozenAt)));

  proxy.thaw();
  await probeUntil(server.port, '/health/live', 200, 30_000);
  await expect
    .poll(() => ran.size, { timeout: 30_000 })
    .toBe(6)
    .catch(async (error: unknown) => {
      const depth = await (await producer.broker()).depth(queue);
      throw new Error(`${(error as Error).message}; queue ${JSON.stringify(depth)}, health ${JSON.stringify(await worker.health())}`);
    });
  expect((await probeUntil(server.port, '/health/ready', 200, 15_000)).body).toMatchObject({ live: true, ready: true });
}, 120_000);
