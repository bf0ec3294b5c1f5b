import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { WorkerPools } from '../pool/worker-pools.js';
import type { RuntimeBackend } from '../runtime/runtime-backend.js';
import type { RuntimeBroker } from '../runtime/runtime-broker.js';
import type { Delivery } from '../spec/broker.js';
import type { PoolKind } from '../task/pool-kind.js';
import type { Attempt } from './attempt.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RevokedIds } from './revoked-ids.js';
import type { Semaphore } from './semaphore.js';
import type { WorkerEvents } from './worker-events.js';
import type { WorkerHost } from './worker-host.js';
import type { WorkerRequest } from './worker-request.js';

/** What handling one delivery needs from its worker (shared, mutable state lives here). */
export interface WorkerRuntime {
  /** The app, seen through what a worker needs of it. */
  readonly host: WorkerHost;
  readonly broker: RuntimeBroker;
  readonly backend: RuntimeBackend | undefined;
  readonly hostname: string;
  readonly logger: Logger;
  readonly events: EventEmitter<WorkerEvents>;
  /** Slots of tasks that run inline (`concurrency`). */
  readonly slots: Semaphore;
  /**
   * Slots of pooled tasks: two per child, the task it runs and the next one, taken and waiting for it, so
   * a child starts its next task as soon as it is done, not after the worker stored and acked the last.
   */
  readonly poolSlots: Semaphore;
  readonly revoked: RevokedIds;
  /** Attempts in progress by task id (for terminate and shutdown). */
  readonly running: Map<string, Attempt>;
  /** Per task name: its limiter, or null for none; made from the task's `rateLimit` on first use, replaced by `rate_limit`. */
  readonly rateLimiters: Map<string, RateLimiter | null>;
  /** Per task name: time limits set by the `time_limit` command, in place of the task's own. */
  readonly timeLimits: Map<string, { hardMs: number | null; softMs: number | null }>;
  /** Messages held from receipt to settlement, for `inspect active|reserved|scheduled|query_task`. */
  readonly requests: Map<Delivery, WorkerRequest>;
  /** Attempts started per task name (Celery's `total`); their sum is `processed` in heartbeats. */
  readonly totals: Map<string, number>;
  readonly maxPayloadBytes: number;
  readonly trackStarted: boolean;
  /** Time limits of tasks that set none (`WorkerOptions.timeLimitMs`/`softTimeLimitMs`). */
  readonly defaultTimeLimits: { hardMs: number | null; softMs: number | null };
  /** How long storing an outcome is retried before the message is given back; see `WorkerOptions.storeRetryMs`. */
  readonly storeRetryMs: number;
  /** Largest result stored; see `WorkerOptions.maxResultBytes`. */
  readonly maxResultBytes: number;
  /** Deliveries without finishing before a message is dead-lettered; see `WorkerOptions.maxDeliveries`. */
  readonly maxDeliveries: number;
  /** Where tasks without a `pool` option run (`WorkerOptions.pool`). */
  readonly pool: PoolKind;
  /** This worker's thread and process pools. */
  readonly pools: WorkerPools;
  /** Aborted once `close()` began: nothing new starts, and waits for a rate limit or an eta end. */
  readonly closing: AbortSignal;
}
