import { createApp, createTaskMessage } from '@tq/core';
import { RedisBroker } from '@tq/redis';
import { randomUUID } from 'node:crypto';
const url = 'redis://127.0.0.1:6390';
const N = 50_000;
const c = Number(process.argv[2] ?? 100);
const mode = process.argv[3] ?? 'worker';
const q = 'bench-fixed';
if (mode === 'fill') {
  const pub = new RedisBroker({ url });
  await pub.connect();
  await pub.purge(q);
  const msgs = Array.from({ length: N }, () => ({ queue: q, message: createTaskMessage({ task: 'bench.noop', id: randomUUID() }) }));
  for (let i = 0; i < N; i += 5000) await pub.publishBatch(msgs.slice(i, i + 5000));
  await pub.close();
} else if (mode === 'raw') {
  const b = new RedisBroker({ url });
  await b.connect();
  let done = 0; let resolve!: () => void; const all = new Promise<void>((r) => (resolve = r));
  const t = performance.now();
  const sub = await b.consume([q], async (d) => { await d.ack(); if (++done === N) resolve(); }, { prefetch: c * 2 });
  await all;
  console.log(`raw c=${c} drain/s`, Math.round(N / ((performance.now() - t) / 1000)));
  await sub.close(); await b.close();
} else {
  const app = createApp({ broker: new RedisBroker({ url }), logger: undefined });
  let done = 0; let resolve!: () => void; const all = new Promise<void>((r) => (resolve = r));
  app.task('bench.noop', async () => { if (++done === N) resolve(); });
  const w = app.worker({ queues: [q], concurrency: c });
  const t = performance.now();
  await w.start();
  await all;
  console.log(`c=${c} drain/s`, Math.round(N / ((performance.now() - t) / 1000)), 'rss MB', Math.round(process.memoryUsage().rss / 1e6));
  await w.close(); await app.close();
}
