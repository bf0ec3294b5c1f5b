import { createTaskMessage } from '@tq/core';
import { RedisBroker } from '@tq/redis';
import { randomUUID } from 'node:crypto';
const url = 'redis://127.0.0.1:6390';
const queue = 'rt-' + randomUUID().slice(0, 6);
const b = new RedisBroker({ url }); await b.connect();
const p = new RedisBroker({ url }); await p.connect();
let resolve!: () => void;
await b.consume([queue], async (d) => { resolve(); await d.ack(); }, { prefetch: 20 });
const s: number[] = [];
for (let i = 0; i < 3000; i++) {
  const m = createTaskMessage({ task: 't', id: randomUUID() });
  const got = new Promise<void>((r) => (resolve = r));
  const t = performance.now();
  await p.publish(queue, m);
  await got;
  s.push(performance.now() - t);
}
s.sort((a, b) => a - b);
console.log('one-way publish→handler p50', s[1500].toFixed(3), 'p99', s[2970].toFixed(3), 'max', s[2999].toFixed(1));
await b.close(); await p.close();
