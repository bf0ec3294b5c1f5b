import type { Logger } from 'pino';
import { UnsupportedCapabilityError } from '../errors/unsupported-capability-error.js';
import type { Broker } from '../spec/broker.js';
import type { PlaneMessage } from '../spec/control-channel.js';
import type { CeleryEvent } from './celery-event.js';
import { decodeEvents } from './decode-events.js';
import type { LamportClock } from './lamport-clock.js';

/** What {@link Events} needs from its app. */
export interface EventsHost {
  /** The connected broker. */
  broker(): Promise<Pick<Broker, 'events'>>;
  /** The app's Lamport clock (shared with remote control): moved past every clock received. */
  readonly clock: LamportClock;
  /** Where malformed events and handler errors are reported. */
  readonly logger: Logger;
}

/** Options of {@link Events.subscribe}. */
export interface EventSubscribeOptions {
  /**
   * AMQP topic pattern over routing keys (`worker.heartbeat`, `task.multi`, `task.sent`). Default
   * `#`, every event. Task events from workers travel batched on `task.multi`, so `task.*` (or `#`)
   * is what catches them, not `task.succeeded`.
   */
  pattern?: string;
}

/**
 * Celery's event stream (`app.events`, spec §8): what workers (tq or Python Celery) and clients
 * publish on the broker's event channel, the way `celery events` and Flower receive it. Needs a
 * broker with `capabilities.events`.
 *
 * @example
 * const stop = await app.events.subscribe((event) => console.log(event.type, event.hostname));
 * // ...
 * await stop();
 */
export class Events {
  constructor(private readonly host: EventsHost) {}

  /**
   * Hand every event whose routing key matches `options.pattern` to `handler`, one at a time
   * (a `task.multi` batch arrives as its events in order), until the returned function is called.
   * Only events published after the subscription started arrive: nothing is stored for later.
   *
   * As Celery's receiver does: the app's clock moves past each event's `clock`; a `task-sent`
   * event's clock is replaced by the receiver's (clients do not sync their clocks); each event
   * gains `local_received` (UNIX seconds when it arrived here), what liveness is judged by.
   * `timestamp` is left as sent: it is UNIX time already, whatever the sender's time zone.
   * Malformed events are logged and skipped; an error thrown by `handler` is logged.
   *
   * @throws UnsupportedCapabilityError when the broker has no event channel.
   */
  async subscribe(handler: (event: CeleryEvent) => void, options: EventSubscribeOptions = {}): Promise<() => Promise<void>> {
    const broker = await this.host.broker();
    const channel = broker.events;
    if (!channel) throw new UnsupportedCapabilityError('events', 'This broker has no event channel (capabilities.events).');
    return channel.subscribe(options.pattern ?? '#', (routingKey, message) => this.receive(routingKey, message, handler));
  }

  private receive(routingKey: string, message: PlaneMessage, handler: (event: CeleryEvent) => void): void {
    const { logger, clock } = this.host;
    let decoded: ReturnType<typeof decodeEvents>;
    try {
      decoded = decodeEvents(message.body);
    } catch (error) {
      logger.warn({ err: error, routingKey }, 'skipped an event message whose body is not UTF-8 JSON');
      return;
    }
    for (const problem of decoded.problems) logger.warn({ routingKey, problem }, 'skipped a malformed event');
    const received = Date.now() / 1000;
    for (const event of decoded.events) {
      // Celery's receiver: clients never sync, so their clock is replaced (CLIENT_CLOCK_SKEW = -1).
      if (event.type === 'task-sent') event.clock = (clock.value || 1) - 1;
      // A missing clock (decodeEvents allows it, as Celery does) gets the receiver's.
      if (typeof event.clock === 'number') clock.observe(event.clock);
      else event.clock = clock.tick();
      event.local_received = received;
      try {
        handler(event);
      } catch (error) {
        logger.error({ err: error, type: event.type }, 'an event handler threw');
      }
    }
  }
}
