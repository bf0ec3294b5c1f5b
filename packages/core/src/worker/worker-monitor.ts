import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { WorkerEvents } from './worker-events.js';

/** What a worker's monitor reads from it. */
export interface WorkerMonitorSource {
  /** The node name. */
  readonly hostname: string;
  /** The worker's in-process events (task events are read from here). */
  readonly events: EventEmitter<WorkerEvents>;
  /** Tasks running now. */
  active(): number;
  /** Attempts started since the worker started. */
  processed(): number;
}

/** How the monitor reports. */
export interface WorkerMonitorOptions {
  /** Send task events (`WorkerOptions.taskEvents`). */
  taskEvents: boolean;
  /** Time between heartbeats (`WorkerOptions.heartbeatIntervalMs`). */
  heartbeatIntervalMs: number;
  readonly logger: Logger;
}

/**
 * Reports a worker to monitors over the broker's event channel (online, heartbeats, task events,
 * offline); the app makes it (`WorkerHost.workerMonitor`), so the worker knows no event encoding.
 */
export interface WorkerMonitor {
  /** Announce the worker and start heartbeats; never rejects. */
  start(): Promise<void>;
  /** Task events on or off (`enable_events` / `disable_events`). */
  setTaskEvents(on: boolean): void;
  /** One heartbeat now (the `heartbeat` command). */
  heartbeat(): void;
  /** Flush, then announce the worker gone; never rejects. */
  stop(): Promise<void>;
}
