import type { TaskMessage } from '../spec/task-message.js';
import type { CeleryEvent } from './celery-event.js';
import { celeryEventOf } from './celery-event-of.js';
import type { LamportClock } from './lamport-clock.js';

/**
 * The `task-sent` event a client publishes for `message` sent to `queue` (spec §8.3, Celery's
 * `task_send_sent_event`), from the message's own `origin` (`gen<pid>@host`) and reprs. tq routes
 * through the default exchange, so `exchange` is `''` and `routing_key` the queue, as Celery's
 * default routing. Ticks `clock`.
 */
export function taskSentEvent(message: TaskMessage, queue: string, clock: LamportClock): CeleryEvent {
  const h = message.headers;
  const fields = {
    uuid: h.id,
    root_id: h.root_id,
    parent_id: h.parent_id,
    name: h.task,
    args: h.argsrepr,
    kwargs: h.kwargsrepr,
    retries: h.retries,
    eta: h.eta,
    expires: h.expires,
    queue,
    exchange: '',
    routing_key: queue,
  };
  return celeryEventOf('task-sent', fields, { hostname: h.origin, clock });
}
