import { TqError } from './tq-error.js';

/** A message names a task this worker has not registered (Celery's NotRegistered). */
export class UnknownTaskError extends TqError {
  readonly taskName: string;

  constructor(taskName: string) {
    super(
      'TQ_UNKNOWN_TASK',
      `Task '${taskName}' is not registered on this worker. Define it with app.task('${taskName}', ...) in the module passed to --app, or route it to a queue whose workers know it.`,
    );
    this.taskName = taskName;
  }
}
