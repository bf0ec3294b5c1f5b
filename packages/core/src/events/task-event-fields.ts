import { exceptionRepr, pythonRepr } from '../protocol/python-repr.js';
import { serializeError } from '../protocol/serialize-error.js';
import type { WorkerEvents } from '../worker/worker-events.js';

/** The worker events that become Celery task events. */
export type TaskEventType =
  | 'task-received'
  | 'task-started'
  | 'task-succeeded'
  | 'task-failed'
  | 'task-retried'
  | 'task-revoked'
  | 'task-rejected';

/** Celery's signal number of SIGTERM: what a terminating revoke sends by default (`revoke(terminate=True)`). */
const SIGTERM = 15;

/**
 * The Celery fields (spec §8.3) of each worker task event, beside the standard ones: Python reprs
 * for args, kwargs, result and exception (Flower shows them as they are), seconds for `runtime`.
 * `undefined` when Celery sends no event for it (a rejected message without a task id).
 */
export const taskEventFields: { [K in TaskEventType]: (payload: WorkerEvents[K][0]) => Record<string, unknown> | undefined } = {
  'task-received': (e) => ({
    uuid: e.id,
    name: e.name,
    args: e.argsRepr,
    kwargs: e.kwargsRepr,
    root_id: e.rootId,
    parent_id: e.parentId,
    retries: e.retries,
    eta: e.eta,
    expires: e.expires,
  }),
  'task-started': (e) => ({ uuid: e.id }),
  'task-succeeded': (e) => ({ uuid: e.id, result: pythonRepr(e.result), runtime: e.runtimeMs / 1000 }),
  'task-failed': (e) => ({ uuid: e.id, exception: exceptionRepr(e.error), traceback: tracebackOf(e.error) }),
  'task-retried': (e) => ({
    uuid: e.id,
    // A bare `retry()` has no error: Celery's own reason then is its Retry exception.
    exception: e.error === undefined ? `Retry('Retry in ${e.delayMs / 1000}s')` : exceptionRepr(e.error),
    traceback: e.error === undefined ? '' : tracebackOf(e.error),
  }),
  'task-revoked': (e) => ({
    uuid: e.id,
    terminated: e.reason === 'terminated',
    signum: e.reason === 'terminated' ? SIGTERM : null,
    expired: e.reason === 'expired',
  }),
  // A message that cannot run goes to the dead-letter place, never back to its queue.
  'task-rejected': (e) => (e.id === null ? undefined : { uuid: e.id, requeue: false }),
};

/** The traceback text Celery puts beside `exception` (a JS stack here); empty when there is none. */
function tracebackOf(error: unknown): string {
  return serializeError(error).traceback ?? '';
}
