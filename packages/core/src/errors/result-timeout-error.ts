import { TqError } from './tq-error.js';

/** `AsyncResult.get({ timeoutMs })` ran out of time. */
export class ResultTimeoutError extends TqError {
  constructor(taskId: string, timeoutMs: number) {
    super('TQ_RESULT_TIMEOUT', `No result for task ${taskId} within ${timeoutMs} ms`);
  }
}
