import { EventEmitter } from 'node:events';

/** Where a measured operation ran. */
export type Component = 'broker' | 'backend';

/** One broker or backend operation, as the runtime saw it. */
export interface OperationEvent {
  component: Component;
  /** The method: `connect`, `close`, `publish`, `publishBatch`, `consume`, `purge`, `size`, `set`, `get`, ... */
  operation: string;
  /** `start` before the call; `stop` after it succeeded; `error` after it failed. */
  phase: 'start' | 'stop' | 'error';
  /** The transport's class name, e.g. `RedisBroker`. */
  transport: string;
  /** The queue or task id the operation is about, when it has one. */
  target?: string;
  /** Wall time of the call in ms (`stop` and `error`). */
  durationMs?: number;
  /** What it threw (`error`). */
  error?: unknown;
}

/** One task attempt in a worker. */
export interface AttemptEvent {
  /** `start` when the body is about to run; `stop` once it ended (any outcome). */
  phase: 'start' | 'stop';
  taskId: string;
  task: string;
  queue: string;
  /** The worker's hostname. */
  worker: string;
  /** Retries before this attempt. */
  retries: number;
  /**
   * Queue wait in ms (`start`): from when the message was sent, or from its eta when that is later,
   * to this start. Undefined when the sender did not stamp the send time (a Python producer).
   */
  waitMs?: number;
  /**
   * How the attempt ended (`stop`): `success`; `failure` (time limits included); `retry` (the task
   * asked for one); `terminated` (revoked while running); `shutdown` (given back at close).
   */
  outcome?: 'success' | 'failure' | 'retry' | 'terminated' | 'shutdown';
  /** Body run time in ms (`stop`). */
  durationMs?: number;
  /** The error the attempt failed with (`stop` of a failed attempt). */
  error?: unknown;
}

/** What became of one delivered task message in a worker (its settlement, in task terms). */
export interface TaskOutcomeEvent {
  /**
   * `received`: accepted for running (known task, not revoked, due); then one of `succeeded`,
   * `failed` (final), `retried` (sent again), `revoked` (revoked, expired or terminated), or
   * `rejected` (dead-lettered or dropped: undecodable, forged, too big, unknown task, lost too often).
   */
  state: 'received' | 'succeeded' | 'failed' | 'retried' | 'revoked' | 'rejected';
  /** Task id; null for a rejected message that names none. */
  taskId: string | null;
  /** Task name; null for a rejected message that names none. */
  task: string | null;
  queue: string;
  /** The worker's hostname. */
  worker: string;
  /** The error it failed or was retried with (`failed`, `retried`). */
  error?: unknown;
}

/** A task message the broker accepted (one per message of a batch). */
export interface SentEvent {
  taskId: string;
  task: string;
  queue: string;
  /** The transport's class name, e.g. `RedisBroker`. */
  transport: string;
}

/** The hooks' events. */
export interface RuntimeHookEvents {
  operation: [OperationEvent];
  attempt: [AttemptEvent];
  task: [TaskOutcomeEvent];
  sent: [SentEvent];
}

/**
 * Instrumentation hooks: typed start/stop/error events with measurements for every broker and
 * backend operation and every task attempt. Events, metrics and tracing build on these, never on
 * transport internals. Nothing is measured while nobody listens (the hot path stays cheap).
 */
export class RuntimeHooks extends EventEmitter<RuntimeHookEvents> {
  /** Run `call`, emitting `operation` start and stop/error around it when anyone listens. */
  measure<T>(component: Component, transport: string, operation: string, target: string | undefined, call: () => Promise<T>): Promise<T> {
    if (this.listenerCount('operation') === 0) return call();
    const base = { component, operation, transport, target };
    this.emit('operation', { ...base, phase: 'start' });
    const started = performance.now();
    return call().then(
      (value) => {
        this.emit('operation', { ...base, phase: 'stop', durationMs: performance.now() - started });
        return value;
      },
      (error: unknown) => {
        this.emit('operation', { ...base, phase: 'error', durationMs: performance.now() - started, error });
        throw error;
      },
    );
  }
}
