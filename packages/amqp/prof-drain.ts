import { randomUUID } from 'node:crypto';
import { AmqpBroker } from '@tq/amqp';
import { createApp, createTaskMessage } from '@tq/core';
const url = process.env.AMQP_URL!;
const N = 20000;
const queue = `prof-${randomUUID()}`;
const mode = process.argv[2] ?? 'worker';
const pub = new AmqpBroker({ url });
await pub.connect();
for (let s = 0; s < N; s += 1000) await pub.publishBatch(Array.from({ length: 1000 }, () => ({ queue, message: createTaskMessage({ task: 'bench.noop', id: randomUUID(), args: [1, 2] }) })));
await pub.close();
process.env.TQ_LOG_LEVEL = 'error';
let count = 0;
let done!: () => void;
const all = new Promise<void>((r) => (done = r));
const t0 = performance.now();
if (mode === 'broker') {
  const b = new AmqpBroker({ url });
  await b.connect();
  await b.consume([queue], async (d) => { await d.ack(); if (++count === N) done(); }, { prefetch: 200 });
  await all;
  console.log('broker-only drain msg/s', (N / ((performance.now() - t0) / 1000)).toFixed(0));
  await b.close();
} else {
  const app = createApp({ broker: new AmqpBroker({ url }), defaultQueue: queue });
  app.task('bench.noop', () => { if (++count === N) done(); });
  const w = app.worker({ queues: [queue], concurrency: 100 });
  await w.start();
  await all;
  console.log('worker drain msg/s', (N / ((performance.now() - t0) / 1000)).toFixed(0));
  await w.close();
  await app.close();
}
