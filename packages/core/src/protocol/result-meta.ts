import { READY_STATES, type ResultMeta, type ResultTuple, type TaskState } from '../spec/result-backend.js';
import { formatPythonDate } from './format-python-date.js';

/** What `createResultMeta` needs; optional fields default to what Celery writes when unknown. */
export interface ResultMetaInput {
  taskId: string;
  status: TaskState;
  /** Return value, serialized exception (see `serializeError`), or progress meta; `undefined` is stored as null. */
  result: unknown;
  traceback?: string | null;
  /** Result tuples of tasks this task published. */
  children?: ResultTuple[];
  /** The task's `group` header; omitted from the record when absent. */
  groupId?: string | null;
  /** The task's `parent_id` header; omitted from the record when absent. */
  parentId?: string | null;
  /**
   * Write the extended fields below (Celery's `result_extended`). Default false: without it the record
   * has none of them, as Celery writes it by default, so arguments (e-mail addresses, tokens) never
   * reach the result backend unless the app asked (`AppConfig.resultExtended`).
   */
  extended?: boolean;
  name?: string | null;
  args?: unknown[] | null;
  kwargs?: Record<string, unknown> | null;
  /** Worker node name. */
  worker?: string | null;
  retries?: number | null;
  /** The delivery routing key. */
  queue?: string | null;
}

/**
 * A task record in Celery's field order (spec §6.2), with the extended fields when `extended` is set
 * (`null` when unknown, as Celery's `result_extended` writes them). `date_done` is set for ready states only,
 * as naive UTC like Celery 5.2–5.4 (`2026-11-21T10:46:02.315322`), which every 5.x reader parses.
 */
export function createResultMeta(input: ResultMetaInput): ResultMeta {
  return {
    status: input.status,
    // Always present: Celery's readers index `meta['result']`.
    result: input.result === undefined ? null : input.result,
    traceback: input.traceback ?? null,
    children: input.children ?? [],
    date_done: READY_STATES.has(input.status) ? formatPythonDate(new Date(), { aware: false }) : null,
    ...(input.groupId ? { group_id: input.groupId } : {}),
    ...(input.parentId ? { parent_id: input.parentId } : {}),
    ...(input.extended
      ? {
          name: input.name ?? null,
          args: input.args ?? null,
          kwargs: input.kwargs ?? null,
          worker: input.worker ?? null,
          retries: input.retries ?? null,
          queue: input.queue ?? null,
        }
      : {}),
    task_id: input.taskId,
  };
}
