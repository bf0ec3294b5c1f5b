import type { TaskMessage } from '../spec/task-message.js';

/**
 * A task message this worker holds, as remote control reports it (Celery's `Request`): from its
 * receipt until it is settled. `scheduled` waits here for its eta (brokers that cannot delay),
 * `reserved` waits for a rate limit or a free slot, `active` runs.
 */
export interface WorkerRequest {
  readonly message: TaskMessage;
  /** The queue it came from. */
  readonly queue: string;
  /** Delivered before without being settled (Celery's `redelivered`). */
  readonly redelivered: boolean;
  state: 'scheduled' | 'reserved' | 'active';
  /** When the attempt started, in unix seconds; null until then. */
  timeStart: number | null;
}
