import { type App, EXCEPTION_STATES, type ResultMeta, type SerializedError } from '@tq/core';
import type { TaskHistory } from './task-history.js';
import type { TaskRecord } from './task-record.js';

/** Unfinished tasks checked per round: a bounded load on the backend however large the history. */
const CHECKED_PER_ROUND = 200;

/**
 * Completes the history from the result backend, which outlives any monitor: a task whose final
 * events were missed (the dashboard was down, Flower's tasks "stuck in STARTED") gets its stored
 * state, and a task the dashboard never heard of is found by its id.
 */
export class BackendReader {
  constructor(
    private readonly app: App,
    private readonly history: TaskHistory,
  ) {}

  /** The backend's record of `id`, merged into the history; undefined when the app has no backend or it has no record. */
  async lookup(id: string): Promise<ResultMeta | undefined> {
    const backend = await this.app.maybeResultBackend();
    const meta = await backend?.get(id);
    if (meta) this.merge(id, meta);
    return meta;
  }

  /** Check a batch of unfinished tasks against the backend and take the final states it has. */
  async reconcile(): Promise<void> {
    const backend = await this.app.maybeResultBackend();
    if (!backend) return;
    for (const id of this.history.unfinished(CHECKED_PER_ROUND)) {
      const meta = await backend.get(id);
      if (meta) this.merge(id, meta);
    }
  }

  private merge(id: string, meta: ResultMeta): void {
    const known = this.history.get(id);
    // Events know more (reprs, times): the backend's state wins only where it has an outcome they missed.
    const outcome = !known || (known.state !== meta.status && meta.date_done !== null);
    const patch = { ...missingFields(meta, known), ...(outcome ? outcomeOf(meta) : {}) };
    if (Object.keys(patch).length > 0) this.history.update(id, patch);
  }
}

/** The descriptive fields of `meta` the history lacks, in its shape (JSON where events would give Python reprs). */
function missingFields(meta: ResultMeta, known: TaskRecord | undefined): Partial<TaskRecord> {
  const patch: Partial<TaskRecord> = {};
  if (!known?.name && meta.name) patch.name = meta.name;
  if (!known?.args && meta.args) patch.args = JSON.stringify(meta.args);
  if (!known?.kwargs && meta.kwargs) patch.kwargs = JSON.stringify(meta.kwargs);
  if (!known?.queue && meta.queue) patch.queue = meta.queue;
  if (!known?.worker && meta.worker) patch.worker = meta.worker;
  return patch;
}

/** The state of `meta` and what came of the task. */
function outcomeOf(meta: ResultMeta): Partial<TaskRecord> {
  const patch: Partial<TaskRecord> = { state: meta.status };
  if (meta.date_done) patch.updated = Date.parse(meta.date_done) / 1000;
  if (typeof meta.retries === 'number') patch.retries = meta.retries;
  if (EXCEPTION_STATES.has(meta.status)) {
    patch.exception = exceptionText(meta.result as SerializedError | null);
    if (meta.traceback) patch.traceback = meta.traceback;
  } else if (meta.status === 'SUCCESS') patch.result = JSON.stringify(meta.result);
  return patch;
}

function exceptionText(error: SerializedError | null): string {
  if (!error || typeof error.exc_type !== 'string') return 'unknown error';
  return `${error.exc_type}(${(error.exc_message ?? []).map((part) => JSON.stringify(part)).join(', ')})`;
}
