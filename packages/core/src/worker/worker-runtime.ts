import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { App } from '../client/app.js';
import type { Broker } from '../spec/broker.js';
import type { ResultBackend } from '../spec/result-backend.js';
import type { Attempt } from './attempt.js';
import type { Heartbeat } from './heartbeat.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RevokedIds } from './revoked-ids.js';
import type { Semaphore } from './semaphore.js';
import type { WorkerEvents } from './worker-events.js';

/** What handling one delivery needs from its worker (shared, mutable state lives here). */
export interface WorkerRuntime {
  readonly app: App;
  readonly broker: Broker;
  readonly backend: ResultBackend | undefined;
  readonly hostname: string;
  readonly logger: Logger;
  /** Keeps held deliveries from being redelivered while they wait and run. */
  readonly heartbeat: Heartbeat;
  readonly events: EventEmitter<WorkerEvents>;
  readonly slots: Semaphore;
  readonly revoked: RevokedIds;
  /** Attempts in progress by task id (for terminate and shutdown). */
  readonly running: Map<string, Attempt>;
  readonly rateLimiters: Map<string, RateLimiter>;
  readonly maxPayloadBytes: number;
  readonly trackStarted: boolean;
  /** Aborted once `close()` began: nothing new starts, and waits for a rate limit or an eta end. */
  readonly closing: AbortSignal;
}
