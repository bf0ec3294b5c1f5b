import type { App, Worker } from '@tq/core';

/** A warning a started worker prints before "ready": `loud` ones are framed, in red on a terminal. */
export interface WorkerWarning {
  loud: boolean;
  text: string;
}

/**
 * What an operator must hear before trusting "ready" (call it once the worker started, so the broker
 * and backend are connected): a broker no other process can reach, results no other process can
 * read, tasks routed to queues this worker does not consume.
 */
export async function workerWarnings(app: App, worker: Worker): Promise<WorkerWarning[]> {
  const warnings: WorkerWarning[] = [];
  const broker = (await app.broker()).transport;
  const backend = (await app.maybeResultBackend())?.transport;
  if (broker.inProcess) {
    warnings.push({
      loud: true,
      text: [
        `The broker is ${app.describe().broker}, which lives inside this process: no other process can send this worker a task.`,
        'A web server, a script or another worker that sends a task puts it into its own memory, never here; only tasks',
        'sent from this process (the app module itself) run. Give the app a broker other processes reach, e.g.',
        "  createApp({ broker: process.env.TQ_BROKER_URL ?? 'memory://', backend: process.env.TQ_RESULT_BACKEND })",
        'and start the worker with TQ_BROKER_URL=redis://localhost:6379/0 (or amqp://, sqs://, kafka://).',
      ].join('\n'),
    });
  } else if (backend?.inProcess) {
    warnings.push({
      loud: true,
      text: [
        `Results are stored in ${app.describe().backend}, inside this process: callers in other processes never see them`,
        "(their get() waits until it times out). Give the app a shared backend, e.g. createApp({ broker, backend: 'redis://...' }),",
        'or none, when nobody reads results.',
      ].join('\n'),
    });
  }
  const consumed = new Set(worker.queues);
  const elsewhere = app
    .taskNames()
    .sort()
    .map((name) => [name, app.queueFor(name)] as const)
    .filter(([, queue]) => !consumed.has(queue));
  if (elsewhere.length > 0) {
    const queues = [...new Set(elsewhere.map(([, queue]) => queue))];
    warnings.push({
      loud: false,
      text: [
        `${elsewhere.length === 1 ? '1 task is' : `${elsewhere.length} tasks are`} routed to queues this worker does not consume: ${elsewhere.map(([name, queue]) => `${name} [${queue}]`).join(', ')}.`,
        `Their messages wait (their callers see PENDING) until some worker consumes ${queues.join(', ')}. To run them here too:`,
        `  --queues ${[...worker.queues, ...queues].join(',')}   (or TQ_QUEUES=${[...worker.queues, ...queues].join(',')})`,
      ].join('\n'),
    });
  }
  return warnings;
}
