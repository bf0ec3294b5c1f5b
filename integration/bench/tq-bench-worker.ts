/**
 * The tq worker of `pnpm bench celery`, in its own process as Celery's is (celery.bench.ts starts it):
 * the same two tasks as integration/python/tq_bench.py, `bench.noop` (stores nothing) and
 * `bench.ping` (stores its null result).
 *
 * `node --import tsx tq-bench-worker.ts <broker url> <backend url> <queue> <concurrency> <count>`
 * prints `ready` once consuming. With a count above 0 it then prints `{"count","seconds"}` once
 * `count` bench.noop calls ran, `seconds` from the first completion to the last (as tq_bench.py
 * measures Celery), and exits; with 0 it serves round trips until killed.
 */
import { createApp } from '@tq/core';

const [brokerUrl = '', backendUrl = '', queue = '', concurrencyText = '', countText = ''] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const count = Number(countText);
if (!brokerUrl || !backendUrl || !queue || !(concurrency > 0) || !(count >= 0))
  throw new Error(
    `usage: tq-bench-worker.ts <broker url> <backend url> <queue> <concurrency> <count>, got ${process.argv.slice(2).join(' ')}`,
  );

let completed = 0;
let first = 0;
let finish!: (seconds: number) => void;
const drained = new Promise<number>((resolve) => {
  finish = resolve;
});

const app = createApp({ broker: brokerUrl, backend: backendUrl, defaultQueue: queue });
app.task('bench.noop', { ignoreResult: true }, () => {
  const now = performance.now();
  if (++completed === 1) first = now;
  if (completed === count) finish((now - first) / 1000);
  return null;
});
app.task('bench.ping', () => null);
const worker = app.worker({ queues: [queue], concurrency });
await worker.start();
process.stdout.write('ready\n');
if (count > 0) {
  const seconds = await drained;
  process.stdout.write(`${JSON.stringify({ count, seconds })}\n`);
  await worker.close();
  await app.close();
  process.exit(0);
}
