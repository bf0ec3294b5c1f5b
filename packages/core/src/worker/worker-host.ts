import type { Logger } from 'pino';
import type { SignaturePublisher } from '../canvas/apply-signature.js';
import type { RuntimeBackend } from '../runtime/runtime-backend.js';
import type { RuntimeBroker } from '../runtime/runtime-broker.js';
import type { RuntimeHooks } from '../runtime/runtime-hooks.js';
import type { TaskRegistry } from '../task/task-registry.js';

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
  /** Queue consumed when the worker is given none. */
  readonly defaultQueue: string;
  /** How long stored results live. */
  readonly resultExpiresMs: number;
  /** The connected broker (connects on first use). */
  broker(): Promise<RuntimeBroker>;
  /** The connected result backend, or undefined when the app stores no results. */
  maybeResultBackend(): Promise<RuntimeBackend | undefined>;
}
