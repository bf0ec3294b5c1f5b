import { createApp } from '@tq/core';
import { RedisBroker, RedisResultBackend } from '@tq/redis';
import { randomUUID } from 'node:crypto';
const url = 'redis://127.0.0.1:6390';
const queue = 'rt-' + randomUUID().slice(0, 6);
const mode = process.argv[2] ?? 'same';
const wapp = createApp({ broker: new RedisBroker({ url }), backend: new RedisResultBackend({ url }), logger: undefined });
wapp.task('bench.noop', async () => null);
const w = wapp.worker({ queues: [queue], concurrency: 10 });
await w.start();
const app = createApp({ broker: new RedisBroker({ url }), backend: new RedisResultBackend({ url }), logger: undefined });
const noop = app.task('bench.noop', async () => null);
const samples: number[] = [];
for (let i = 0; i < 1500; i++) {
  const t = performance.now();
  const r = await noop.applyAsync([], { queue });
  const t1 = performance.now();
  await r.get({ timeoutMs: 5000 });
  const dt = performance.now() - t;
  if (dt > 50) console.log('slow', i, dt.toFixed(1), 'publish', (t1 - t).toFixed(1));
  samples.push(dt);
}
samples.sort((a, b) => a - b);
console.log('p50', samples[750].toFixed(3), 'p99', samples[1485].toFixed(3));
await w.close(); await wapp.close(); await app.close();
