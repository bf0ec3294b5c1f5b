import { chord, group } from '@tq/core';
import { app, buildReport, makeThumbnail, salesForRegion, sendWelcomeEmail } from './app.js';

const started = Date.now();
const log = (who: string, text: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(2)}s] ${who.padEnd(6)} ${text}`);
const short = (id: string) => id.slice(0, 8);

// The worker: in production it is its own process (`npx tq worker --app ./dist/app.js`).
const worker = app.worker({ queues: ['celery', 'emails', 'images'], concurrency: 8 });
worker.events.on('task-started', (e) => log('worker', `started   ${e.name} [${short(e.id)}]`));
worker.events.on('task-retried', (e) =>
  log('worker', `retrying  ${e.name} [${short(e.id)}] in ${e.delayMs} ms: ${(e.error as Error).message}`),
);
worker.events.on('task-succeeded', (e) => log('worker', `succeeded ${e.name} [${short(e.id)}] in ${e.runtimeMs} ms`));
worker.events.on('task-failed', (e) => log('worker', `failed    ${e.name} [${short(e.id)}]: ${e.error.message}`));
await worker.start();

// The scheduler: in production `npx tq beat --app ./dist/app.js` (any number of them), or `tq worker --beat`.
const beat = app.beat();
let refreshes = 0;
beat.events.on('tick', (e) =>
  log('beat', `sent ${e.schedule} for the ${new Date(e.tickMs).toISOString().slice(11, 19)} tick [${short(e.taskId ?? '')}]`),
);
worker.events.on('task-succeeded', (e) => {
  if (e.name === 'cache.refresh') refreshes++;
});
await beat.start();

// 1. Sign-ups: the request handler queues the email and answers at once.
log('web', 'POST /signup ada@example.com, grace@example.com');
const emails = await Promise.all([sendWelcomeEmail.delay('ada@example.com', 'Ada'), sendWelcomeEmail.delay('grace@example.com', 'Grace')]);
log('web', `201 Created (emails queued: ${emails.map((r) => short(r.id)).join(', ')})`);

// 2. An upload: three thumbnail sizes in parallel, with progress; one bad file fails cleanly.
log('web', 'POST /uploads cat.jpg (+ notes.txt)');
const thumbnails = await group(makeThumbnail.s('cat.jpg', 160), makeThumbnail.s('cat.jpg', 320), makeThumbnail.s('cat.jpg', 640)).delay();
const badUpload = await makeThumbnail.delay('notes.txt', 160);
const [firstThumbnail] = thumbnails.results;
const progress = setInterval(async () => {
  const meta = await firstThumbnail?.meta();
  if (meta?.status === 'PROGRESS') log('web', `GET /uploads/cat.jpg → ${(meta.result as { done: number }).done}% of 160w`);
}, 45);

// 3. A report: one task per region in parallel, then one task that combines them (a chord).
log('web', 'POST /reports/q3 (4 regions)');
const regions = ['emea', 'americas', 'apac', 'nordics'];
const report = await chord(
  regions.map((region) => salesForRegion.s(region)),
  buildReport.s(),
).delay();

const thumbs = await thumbnails.get({ timeoutMs: 10_000 });
clearInterval(progress);
log('web', `thumbnails ready: ${thumbs.map((t) => t.url).join(' ')}`);
await badUpload.get({ timeoutMs: 10_000 }).catch((error: Error) => log('web', `notes.txt rejected: ${error.message}`));
for (const email of emails) {
  const sent = await email.get({ timeoutMs: 10_000 });
  log('web', `email ${short(email.id)} delivered: "${sent.subject}" ${sent.messageId}`);
}
const q3 = await report.get({ timeoutMs: 10_000 });
log('web', `report q3: ${q3.regions} regions, total ${q3.total}, best ${q3.bestRegion}`);

// Let the periodic refresh run at least twice.
while (refreshes < 2) await new Promise((resolve) => setTimeout(resolve, 100));
log('web', `cache refreshed ${refreshes} times by the schedule`);

await beat.close();
await worker.close();
await app.close();
log('demo', 'done: every background job finished, the worker shut down cleanly');
