import { RedisBroker } from '@tq/redis';
import { createTaskMessage } from '@tq/core';
import { randomUUID } from 'node:crypto';
const url = process.argv[2] ?? 'redis://127.0.0.1:7101,127.0.0.1:7102?cluster=true';
const b = new RedisBroker({ url, pollIntervalMs: 5000, onError: (e) => console.error('onError', e) });
await b.connect();
const q = 'dbg-' + randomUUID().slice(0, 6);
const arrivals = new Map<string, number>();
const t0 = performance.now();
const sub = await b.consume([q], async (d) => { arrivals.set(d.message!.headers.id, performance.now()); await d.ack(); }, { prefetch: 10 });
const expected = new Map<string, number>();
for (const delayMs of [300, 100, 200]) {
  const m = createTaskMessage({ task: 't', id: randomUUID() });
  expected.set(m.headers.id, performance.now() + delayMs);
  await b.publish(q, m, { delayMs });
  console.log('published', delayMs, (performance.now() - t0).toFixed(1));
}
await new Promise((r) => setTimeout(r, 600));
for (const [id, due] of expected) console.log('late', ((arrivals.get(id) ?? NaN) - due).toFixed(1));
await sub.close(); await b.close();
