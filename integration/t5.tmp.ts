import { Queue, Worker } from 'bullmq';
const connection = { host: '127.0.0.1', port: 6390 };
const N = 50_000;
const c = Number(process.argv[2] ?? 100);
const mode = process.argv[3] ?? 'worker';
const name = 'bull-fixed';
if (mode === 'fill') {
  const q = new Queue(name, { connection });
  await q.obliterate({ force: true }).catch(() => {});
  const t = performance.now();
  for (let i = 0; i < N; i += 5000) await q.addBulk(Array.from({ length: 5000 }, (_, j) => ({ name: 'noop', data: { i: i + j }})));
  console.log('bull enqueue/s', Math.round(N / ((performance.now() - t) / 1000)));
  await q.close();
} else {
  let done = 0; let resolve!: () => void; const all = new Promise<void>((r) => (resolve = r));
  const t = performance.now();
  const w = new Worker(name, async () => { if (++done === N) resolve(); }, { connection, concurrency: c });
  await all;
  console.log(`bull c=${c} drain/s`, Math.round(N / ((performance.now() - t) / 1000)), 'rss MB', Math.round(process.memoryUsage().rss / 1e6));
  await w.close();
}
