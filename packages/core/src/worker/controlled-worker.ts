import type { WorkerRuntime } from './worker-runtime.js';

/** What remote-control commands may see and steer of a running worker (`Worker` builds it; no import cycle). */
export interface ControlledWorker {
  /** The worker's shared state: node name, app, broker, revoked ids, running and held tasks, limits. */
  readonly rt: WorkerRuntime;
  /** When the worker started, in ms since the epoch (`stats.uptime`). */
  readonly startedAt: number;
  /** Tasks run at once (`stats.pool.max-concurrency`). */
  readonly concurrency: number;
  /** Messages held per subscription (`stats.prefetch_count`). */
  readonly prefetch: number;
  /** Queues consumed right now. */
  queues(): readonly string[];
  /** Start consuming `queue`; false when it already was. */
  addQueue(queue: string): Promise<boolean>;
  /** Stop fetching from `queue` (what was fetched still runs). */
  cancelQueue(queue: string): Promise<void>;
  /** Warm shutdown, as `worker.close()`. */
  shutdown(): void;
  /** Turn task events on or off; the previous setting, or undefined when the broker carries no events. */
  setTaskEvents(on: boolean): boolean | undefined;
  /** Send a heartbeat now; false when the broker carries no events. */
  heartbeat(): boolean;
  /** Change the children per pool kind by `delta` (`pool_grow`/`pool_shrink`); the new size. */
  resizePool(delta: number): number;
}
