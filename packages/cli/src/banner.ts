import type { App, Worker } from '@tq/core';

/** The worker's start-up banner: who it is, where it reads, what it can run and from which queue. */
export function banner(app: App, worker: Worker, prefetchMultiplier: number): string {
  const { broker, backend } = app.describe();
  const tasks = app.taskNames().sort();
  const consumed = new Set(worker.queues);
  const width = Math.max(0, ...tasks.map((name) => name.length));
  const taskLine = (name: string) => {
    const queue = app.queueFor(name);
    return `    . ${name.padEnd(width)}  [${queue}]${consumed.has(queue) ? '' : '  not consumed here'}`;
  };
  // Held messages wait behind running ones: long tasks pile up on one worker while another idles.
  const longTasks = prefetchMultiplier > 1 ? '; tasks of seconds or more: --prefetch-multiplier 1' : '';
  return [
    `tq worker ${worker.hostname}`,
    `  broker      ${broker}`,
    `  results     ${backend}`,
    `  queues      ${worker.queues.join(', ')}`,
    `  concurrency ${worker.concurrency}`,
    `  prefetch    ${worker.concurrency * prefetchMultiplier} (${prefetchMultiplier} per slot${longTasks})`,
    `  pool        ${worker.pool}`,
    `  tasks (${tasks.length})`,
    ...tasks.map(taskLine),
    '',
  ].join('\n');
}
