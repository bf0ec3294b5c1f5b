import type { Logger } from 'pino';
import type { SignaturePublisher } from '../canvas/apply-signature.js';
import type { LogicalClock } from '../control/logical-clock.js';
import type { RuntimeBackend } from '../runtime/runtime-backend.js';
import type { RuntimeBroker } from '../runtime/runtime-broker.js';
import type { RuntimeHooks } from '../runtime/runtime-hooks.js';
import type { EventChannel } from '../spec/control-channel.js';
import type { TaskRegistry } from '../task/task-registry.js';
import type { Tracing } from '../tracing/tracing.js';
import type { WorkerMonitor, WorkerMonitorOptions, WorkerMonitorSource } from './worker-monitor.js';

/**
 * What a worker needs from the app that made it: its tasks, a way to send follow-ups, the
 * connected broker and backend, the logger and hooks. `App` implements it; the worker depends on
 * this interface only, never on `App` (no client ↔ worker import cycle).
 */
export interface WorkerHost extends SignaturePublisher, TaskRegistry {
  /** The app's logger; the worker logs through a child of it. */
  readonly logger: Logger;
  /** Instrumentation hooks; the worker emits `attempt` events on them. */
  readonly hooks: RuntimeHooks;
  /** OpenTelemetry spans; the worker runs each delivery inside a `process` span. */
  readonly tracing: Tracing;
  /** Queue consumed when the worker is given none. */
  readonly defaultQueue: string;
  /** How long stored results live. */
  readonly resultExpiresMs: number;
  /** Whether stored records carry the task's name, arguments, worker, retries and queue (`AppConfig.resultExtended`). */
  readonly resultExtended: boolean;
  /** The app's logical clock, shared by remote control and events. */
  readonly clock: LogicalClock;
  /** Where the broker and backend are, passwords masked (for `inspect stats` and `conf`). */
  describe(): { broker: string; backend: string };
  /** A monitor reporting `source` on `channel` (the broker's event channel), in Celery's event format. */
  workerMonitor(channel: EventChannel, source: WorkerMonitorSource, options: WorkerMonitorOptions): WorkerMonitor;
  /** The connected broker (connects on first use). */
  broker(): Promise<RuntimeBroker>;
  /** The connected result backend, or undefined when the app stores no results. */
  maybeResultBackend(): Promise<RuntimeBackend | undefined>;
}
