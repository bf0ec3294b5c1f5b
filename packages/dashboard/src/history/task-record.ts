/**
 * What the dashboard keeps of one task: merged from its events (`task-sent` … `task-succeeded`),
 * completed from the result backend, and linked to its retries. Stored as one JSON line per change.
 */
export interface TaskRecord {
  /** Task id. */
  id: string;
  /** Task name; undefined until an event or the result backend names it. */
  name: string | undefined;
  /** Celery state (`PENDING`, `RECEIVED`, `STARTED`, `RETRY`, `SUCCESS`, `FAILURE`, `REVOKED`, `REJECTED`). */
  state: string;
  /** Queue it was sent to, when a `task-sent` event or the result backend said so. */
  queue?: string;
  /** The worker that ran it last. */
  worker?: string;
  /** Python reprs of its arguments, as events carry them (`(2, 3)`, `{'to': 'a@b.c'}`): what search looks in. */
  args?: string;
  kwargs?: string;
  /** Python repr of its result, once succeeded. */
  result?: string;
  /** Python repr of its exception and its traceback, once failed or retried. */
  exception?: string;
  traceback?: string;
  /** Run time in seconds, once finished. */
  runtime?: number;
  /** Retries before its latest attempt. */
  retries: number;
  /** When it was sent, received and started, UNIX seconds (the latest attempt's). */
  sent?: number;
  received?: number;
  started?: number;
  /** When its latest change happened, UNIX seconds: what the list sorts by and retention ages by. */
  updated: number;
  /** The task this one re-runs (the dashboard's Retry), and the task that re-ran this one. */
  retryOf?: string;
  retriedAs?: string;
}

/** States after which a task changes no more (a retry is a new task). */
export const finalStates: ReadonlySet<string> = new Set(['SUCCESS', 'FAILURE', 'REVOKED', 'REJECTED']);

/** States the dashboard's Retry accepts: the task ended without a result. */
export const retryableStates: ReadonlySet<string> = new Set(['FAILURE', 'REVOKED']);
