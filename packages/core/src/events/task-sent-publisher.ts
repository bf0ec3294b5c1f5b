import type { Logger } from 'pino';
import type { EventChannel } from '../spec/control-channel.js';
import type { TaskMessage } from '../spec/task-message.js';
import { BestEffort } from './best-effort.js';
import { encodeEvents } from './encode-events.js';
import type { LamportClock } from './lamport-clock.js';
import { taskSentEvent } from './task-sent-event.js';

/**
 * Publishes a client's `task-sent` events (opt-in, Celery's `task_send_sent_event`), each alone on
 * `task.sent` as Celery does. In the background and best effort: sending a task never waits for
 * its event nor fails because of it; failures are logged (warn, rate-limited).
 */
export class TaskSentPublisher {
  private readonly publishes: BestEffort;

  /** @param clock the app's Lamport clock, ticked once per event. */
  constructor(
    private readonly clock: LamportClock,
    logger: Logger,
  ) {
    this.publishes = new BestEffort(logger);
  }

  /** Publish the `task-sent` event of `message`, just sent to `queue`, on `channel`. */
  sent(channel: EventChannel, message: TaskMessage, queue: string): void {
    // Built now, as the message was sent: its clock and timestamp belong to this moment.
    const event = taskSentEvent(message, queue, this.clock);
    void this.publishes.run('task-sent', () => channel.publish('task.sent', encodeEvents(event, event.hostname)));
  }

  /** Resolves once every event started so far went out (or failed): call it before closing the broker. */
  settled(): Promise<void> {
    return this.publishes.settled();
  }
}
