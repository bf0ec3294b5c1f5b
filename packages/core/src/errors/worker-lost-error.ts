import { TqError } from './tq-error.js';

/**
 * The thread or process running the attempt died before it finished (an uncaught error, `process.abort()`,
 * out of memory): Celery's `WorkerLostError`. The pool replaces the child; the attempt fails with this
 * error, or goes back to the broker when the task sets `rejectOnWorkerLost`.
 */
export class WorkerLostError extends TqError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super('TQ_WORKER_LOST', `The pool child running this task was lost: ${detail}`, options);
  }
}
