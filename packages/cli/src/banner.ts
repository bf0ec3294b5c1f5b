import type { App, Worker } from '@tq/core';

/** The worker's start-up banner: who it is, where it reads, what it can run. */
export function banner(app: App, worker: Worker): string {
  const { broker, backend } = app.describe();
  const tasks = app.taskNames().sort();
  return [
    `tq worker ${worker.hostname}`,
    `  broker      ${broker}`,
    `  results     ${backend}`,
    `  queues      ${worker.queues.join(', ')}`,
    `  concurrency ${worker.concurrency}`,
    `  pool        ${worker.pool}`,
    `  tasks (${tasks.length})`,
    ...tasks.map((name) => `    . ${name}`),
    '',
  ].join('\n');
}
