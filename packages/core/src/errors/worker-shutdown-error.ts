import { TqError } from './tq-error.js';

/** The reason of a task's AbortSignal when its worker stops before the task finished (it will be redelivered). */
export class WorkerShutdownError extends TqError {
  constructor() {
    super('TQ_WORKER_SHUTDOWN', 'The worker is shutting down; this task goes back to the broker and will run again.');
  }
}
