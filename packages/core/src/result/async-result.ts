import { ResultTimeoutError } from '../errors/result-timeout-error.js';
import { TaskRevokedError } from '../errors/task-revoked-error.js';
import { deserializeError } from '../protocol/index.js';
import { EXCEPTION_STATES, READY_STATES, type ResultMeta, type TaskState } from '../spec/result-backend.js';
import type { ResultSource } from './result-source.js';
import { waitForMeta } from './wait-for-meta.js';

/** Options for `AsyncResult.get`. */
export interface GetOptions {
  /** Reject with `ResultTimeoutError` after this long. Default: wait as long as it takes. */
  timeoutMs?: number;
  /** Stop waiting when this fires. */
  signal?: AbortSignal;
}

/** A handle on a task's future result. */
export class AsyncResult<R> {
  constructor(
    private readonly source: ResultSource,
    /** The task id. */
    readonly id: string,
  ) {}

  /**
   * The result once the task is done: resolves with its return value; rejects with
   * `RemoteTaskError` (the remote error's type, message and stack) when it failed, or
   * `TaskRevokedError` when it was revoked or expired. Pushed by the backend where it can; never
   * a busy poll.
   */
  async get(options: GetOptions = {}): Promise<R> {
    const backend = await this.source.resultBackend();
    const meta = await waitForMeta(backend, this.id, (m) => READY_STATES.has(m.status), options);
    if (!meta) throw new ResultTimeoutError(this.id, options.timeoutMs ?? 0);
    return unwrap<R>(meta);
  }

  /** The current state: `PENDING` until a worker stores something. */
  async state(): Promise<TaskState> {
    return (await this.meta())?.status ?? 'PENDING';
  }

  /** The stored record (state, result, traceback, ...), or undefined while PENDING. */
  async meta(): Promise<ResultMeta | undefined> {
    return (await this.source.resultBackend()).get(this.id);
  }

  /**
   * What the task stored last, as Celery's `AsyncResult.info`: the return value once SUCCESS; the
   * error, returned and not thrown, in FAILURE, REVOKED and RETRY; the meta a task passed to
   * `currentTask().progress()` in its custom state; `{ pid, hostname }` in STARTED; undefined while
   * PENDING. Reads once, never waits (`get()` waits).
   */
  async info(): Promise<unknown> {
    const meta = await this.meta();
    if (!meta) return undefined;
    return EXCEPTION_STATES.has(meta.status) ? errorOf(meta) : meta.result;
  }

  /** True once SUCCESS, FAILURE or REVOKED. */
  async ready(): Promise<boolean> {
    return READY_STATES.has(await this.state());
  }

  /** Revoke: a worker that has not started it discards it; `terminate` also aborts a running attempt. */
  revoke(options: { terminate?: boolean } = {}): Promise<void> {
    return this.source.revoke(this.id, options);
  }

  /** Delete the stored result. */
  async forget(): Promise<void> {
    await (await this.source.resultBackend()).forget(this.id);
  }
}

/** The value of a ready record, or the error it carries. */
export function unwrap<R>(meta: ResultMeta): R {
  if (meta.status === 'SUCCESS') return meta.result as R;
  throw errorOf(meta);
}

/** The error a FAILURE, REVOKED or RETRY record carries. */
function errorOf(meta: ResultMeta): Error {
  if (meta.status === 'REVOKED') {
    const reason = (meta.result as { exc_message?: unknown[] } | null)?.exc_message?.[0];
    return new TaskRevokedError(typeof reason === 'string' ? reason : 'revoked');
  }
  return deserializeError(meta.task_id, meta.result, meta.traceback);
}
