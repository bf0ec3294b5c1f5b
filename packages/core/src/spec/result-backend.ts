import type { ScheduleStore } from './schedule-store.js';

/**
 * The ResultBackend contract: where task states and results live (Celery's result backend).
 *
 * Records are Celery's task meta JSON (spec §6.2) so Python's `AsyncResult` and tq read each
 * other's results. Core writes every state change through `set`; `get()` on the client side uses
 * `watch` when the backend can push, and never polls in a loop otherwise (it re-reads on a slow
 * timer only as a safety net).
 */

/** Celery states (spec §6.3). Custom strings (e.g. `PROGRESS`) are stored verbatim. */
export type TaskState = 'PENDING' | 'RECEIVED' | 'STARTED' | 'RETRY' | 'SUCCESS' | 'FAILURE' | 'REVOKED' | (string & {});

/** States after which nothing changes. */
export const READY_STATES: ReadonlySet<string> = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);

/** States whose `result` is a serialized exception. */
export const EXCEPTION_STATES: ReadonlySet<string> = new Set(['RETRY', 'FAILURE', 'REVOKED']);

/** A serialized exception (spec §6.4), readable by Python's `exception_to_python`. */
export interface SerializedError {
  /** Class name, e.g. `ValueError`, `TimeLimitExceeded`. */
  exc_type: string;
  /** The exception's args; for JS errors `[message]`. */
  exc_message: unknown[];
  /** Module: `builtins` for Python builtin names, `celery.exceptions` for Celery's, `tq` otherwise. */
  exc_module: string;
}

/** Result tuple (spec §6.5): `[[id, parent], null]` for a task, `[[id, parent], [members]]` for a group. */
export type ResultTuple = [[string, ResultTuple | null], ResultTuple[] | null];

/** The stored record of one task (spec §6.2). */
export interface ResultMeta {
  status: TaskState;
  /** Return value; serialized exception for exception states; `{ pid, hostname }` for STARTED. */
  result: unknown;
  /** Formatted stack / traceback text, or null. */
  traceback: string | null;
  /** Tasks published by this task (callbacks, next chain step), as result tuples. */
  children: ResultTuple[];
  /** ISO-8601 UTC time when a ready state was stored, else null. */
  date_done: string | null;
  task_id: string;
  group_id?: string;
  parent_id?: string;
  /** Extended fields (Celery `result_extended`): written only when the app sets `resultExtended`. */
  name?: string | null;
  args?: unknown[] | null;
  kwargs?: Record<string, unknown> | null;
  worker?: string | null;
  retries?: number | null;
  queue?: string | null;
}

/** One finished chord header member (spec §6.7: the `.j` entry `[1, id, state, result]`). */
export interface ChordPart {
  /** `group_index` of the member; members without one sort last. */
  index: number;
  taskId: string;
  state: TaskState;
  /** Return value, or serialized exception when `state` is FAILURE/REVOKED. */
  result: unknown;
}

/** What a backend can do, as data. */
export interface BackendCapabilities {
  /**
   * `addChordPart` is atomic across processes. Without it `chord()` is refused with a clear
   * error (no polling `chord_unlock` loop that can spin forever).
   */
  readonly atomicCounters: boolean;
  /** `watch` pushes new states, so `get()` does not poll. */
  readonly watch: boolean;
  /** Records expire after `ttlMs`. */
  readonly ttl: boolean;
  /** `saveGroup`/`restoreGroup` exist. */
  readonly groups: boolean;
  /** Results can be read by any process (false for `rpc://`: only the caller sees its replies). */
  readonly shared: boolean;
  /**
   * `persistRevoke`/`revokedIds` exist: revokes outlive the broadcast, so a worker started after a
   * revoke does not run the task either (Celery's revokes live only in running workers' memory).
   */
  readonly revokes: boolean;
  /**
   * `scheduleStore` exists: periodic schedules and their tick claims live here, shared by every
   * scheduler (`tq beat`) using this backend.
   */
  readonly schedules: boolean;
  /**
   * `claim`/`releaseClaim` exist: a task id can be claimed atomically (stored PENDING only where it
   * has no record), so `applyAsync({ taskId, deduplicate: true })` sends a call once however many
   * callers race. False where no record can be checked by another sender (`rpc://`).
   */
  readonly claims: boolean;
}

/** Options for `set`. */
export interface SetResultOptions {
  /** Expire the record after this. Default: the backend's configured expiry (Celery's 1 day). */
  ttlMs?: number;
  /**
   * The task caller's reply-to (the message's `properties.reply_to`). Backends that send results
   * back to the caller (`rpc://`) route by it; stores ignore it. Default: none.
   */
  replyTo?: string;
}

/** What an app tells its backend when it connects. */
export interface BackendConnectContext {
  /** The app's reply-to id: results of calls it sends come back here on `rpc://`. */
  replyTo: string;
}

/** A result backend. No work in the constructor: `connect()` does it. */
export interface ResultBackend {
  readonly capabilities: BackendCapabilities;
  /**
   * True when the records live in this process's memory (`memory://`). A pool child's copy of the
   * backend would be a separate, empty one, so the child hands its calls to its worker instead. Default false.
   */
  readonly inProcess?: boolean;
  /** Connect (idempotent). `context` comes from the app; backends that need no caller identity ignore it. */
  connect(context?: BackendConnectContext): Promise<void>;
  /** Disconnect (idempotent); stops every watch. */
  close(): Promise<void>;
  /**
   * Store a task's record and notify watchers. A stored SUCCESS is never overwritten (a redelivered
   * task stays idempotent, as Celery's GET-before-SETEX does), and a stored final state (FAILURE,
   * REVOKED) is not replaced by a pending one (RETRY, STARTED, PROGRESS): a retry runs as soon as it
   * is published, so its FAILURE can land before the RETRY of the attempt that sent it, and its
   * caller would then wait forever. Do the check atomically where you can.
   */
  set(taskId: string, meta: ResultMeta, options?: SetResultOptions): Promise<void>;
  /** Read a task's record; `undefined` means PENDING (Celery never stores PENDING; tq only for a `claim`). */
  get(taskId: string): Promise<ResultMeta | undefined>;
  /** Delete a task's record. */
  forget(taskId: string): Promise<void>;
  /**
   * Call `listener` with every record stored for `taskId` from now on. Resolves once the
   * subscription is live, so a `get` right after it cannot miss a write. Returns the unsubscriber.
   * Present when `capabilities.watch`.
   */
  watch?(taskId: string, listener: (meta: ResultMeta) => void): Promise<() => Promise<void>>;
  /** Save a group's member ids (`GroupResult.save`). Present when `capabilities.groups`. */
  saveGroup?(groupId: string, taskIds: readonly string[], options?: SetResultOptions): Promise<void>;
  /** Read a saved group's member ids. Present when `capabilities.groups`. */
  restoreGroup?(groupId: string): Promise<string[] | undefined>;
  /**
   * Announce a chord of `size` header members. tq announces before sending any member; Python's
   * Celery only just before its last member, so parts recorded earlier are kept (ADR 22). A chord
   * that already fired starts again. Present when `capabilities.atomicCounters`.
   */
  initChord?(chordId: string, size: number, options?: SetResultOptions): Promise<void>;
  /**
   * Record one finished header member, even before `initChord` (then nothing more happens).
   * Returns every part, ordered by index, to exactly ONE caller: the first that finds the chord
   * announced and complete (a redelivered member's call too); every other call gets `undefined`.
   * Redelivered members (same `taskId` and `index`) count once. Present when `capabilities.atomicCounters`.
   */
  addChordPart?(chordId: string, part: ChordPart): Promise<ChordPart[] | undefined>;
  /**
   * Store `meta` (a PENDING record) only if `taskId` has no record, as one atomic step: true when
   * stored (the caller now owns the id and sends the task), false when the id is pending, running or
   * done already. Expires like any record (`ttlMs`). Present when `capabilities.claims`.
   */
  claim?(taskId: string, meta: ResultMeta, options?: SetResultOptions): Promise<boolean>;
  /**
   * Undo a `claim` whose send failed: delete the record only while it is still PENDING (a state a
   * worker stored meanwhile, from a send that did get through, stays). Present when `capabilities.claims`.
   */
  releaseClaim?(taskId: string): Promise<void>;
  /** Remember that `taskId` was revoked, for `ttlMs` (the app's result expiry). Present when `capabilities.revokes`. */
  persistRevoke?(taskId: string, ttlMs: number): Promise<void>;
  /** Ids revoked and not yet expired; a worker reads them when it starts. Present when `capabilities.revokes`. */
  revokedIds?(): Promise<string[]>;
  /** The store of periodic schedules and tick claims. Present when `capabilities.schedules`. */
  scheduleStore?(): ScheduleStore;
}
