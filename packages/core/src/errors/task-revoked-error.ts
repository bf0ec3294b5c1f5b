import { TqError } from './tq-error.js';

/** The task was revoked or expired before (or while) it ran. */
export class TaskRevokedError extends TqError {
  /** `revoked`, `expired` or `terminated` (Celery's reasons). */
  readonly reason: string;

  constructor(reason: string) {
    super('TQ_TASK_REVOKED', `Task ${reason}`);
    this.reason = reason;
  }
}
