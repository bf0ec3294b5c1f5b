import type { App } from '@tq/core';
import type { AuditLog } from '../audit/audit-log.js';
import type { BackendReader } from '../history/backend-reader.js';
import type { TaskHistory } from '../history/task-history.js';
import { retryableStates } from '../history/task-record.js';
import { ActionRefusedError } from './action-refused-error.js';

/** Who asks for an action, for the audit log. */
export interface Actor {
  who: string;
  from?: string;
}

/** The dashboard's actions on tasks. Each is written to the audit log before it is reported done. */
export class TaskActions {
  constructor(
    private readonly app: App,
    private readonly history: TaskHistory,
    private readonly backend: BackendReader,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Run a failed (or revoked) task again: the same name, args and kwargs from the result backend
   * (stored by tq with `resultExtended`, by Celery with `result_extended`), to the same queue, as a NEW task whose
   * id is linked both ways with the old one (header `retried_from`, `retryOf`/`retriedAs` in the
   * history). The old task's record stays as it was: what failed is not rewritten. Returns the new id.
   */
  async retry(taskId: string, actor: Actor): Promise<string> {
    const meta = await this.backend.lookup(taskId);
    if (!meta) throw new ActionRefusedError(`Task ${taskId} has no record in the result backend, so its arguments are unknown.`, 404);
    if (!retryableStates.has(meta.status))
      throw new ActionRefusedError(`Task ${taskId} is ${meta.status}; only failed or revoked tasks are retried.`, 409);
    if (!meta.name || !Array.isArray(meta.args)) {
      throw new ActionRefusedError(
        `The result backend keeps no name or arguments of task ${taskId}, so it cannot be sent again: the worker's app stores them with createApp({ resultExtended: true }) in tq, result_extended = True in Celery.`,
        409,
      );
    }
    const kwargs = meta.kwargs ?? {};
    const queue = meta.queue ?? this.app.queueFor(meta.name);
    const sent = await this.app.signature(meta.name, meta.args, kwargs).applyAsync([], { queue, headers: { retried_from: taskId } });
    this.history.update(taskId, { retriedAs: sent.id });
    // The worker's events may have described the new task already; they know more than we do.
    const known = this.history.get(sent.id);
    this.history.update(
      sent.id,
      known
        ? { retryOf: taskId }
        : {
            retryOf: taskId,
            name: meta.name,
            args: JSON.stringify(meta.args),
            kwargs: JSON.stringify(kwargs),
            queue,
            sent: Date.now() / 1000,
          },
    );
    await this.audit.record({ at: new Date().toISOString(), who: actor.who, from: actor.from, action: 'retry', taskId, outcome: sent.id });
    return sent.id;
  }

  /** Revoke a task (and abort its running attempt when `terminate`), on tq and Celery workers alike. */
  async revoke(taskId: string, terminate: boolean, actor: Actor): Promise<void> {
    await this.app.revoke(taskId, { terminate });
    await this.audit.record({
      at: new Date().toISOString(),
      who: actor.who,
      from: actor.from,
      action: terminate ? 'terminate' : 'revoke',
      taskId,
    });
  }
}
