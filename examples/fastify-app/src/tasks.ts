import { createApp } from '@tq/core';

// The web server and the worker import this same module: the server sends, the worker runs.
// Both processes must reach one broker, so there is no memory:// fallback here: a worker on
// memory:// could never receive what the server sends.
const broker = process.env.TQ_BROKER_URL;
if (!broker) throw new Error('Set TQ_BROKER_URL, e.g. TQ_BROKER_URL=redis://localhost:6379/0');

export const app = createApp({ broker, backend: process.env.TQ_RESULT_BACKEND ?? broker });

/** Builds a report from the numbers given (here: sums them, slowly), on a queue of its own. */
export const buildReport = app.task('reports.build', { queue: 'reports' }, async (title: string, figures: number[]) => {
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { title, total: figures.reduce((sum, n) => sum + n, 0), builtBy: process.pid };
});
