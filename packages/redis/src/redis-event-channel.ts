import { type EventChannel, type Logger, type PlaneMessage, topicMatches } from '@tq/core';
import type { KeySpace } from './key-space.js';
import { parsePlaneEnvelope } from './parse-plane-envelope.js';
import { planeEnvelope } from './plane-envelope.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisPubSub } from './redis-pub-sub.js';
import { topicGlob } from './topic-glob.js';

/**
 * Celery's events over Redis as kombu carries its `celeryev` fanout exchange (spec §2.8, §8.1):
 * `PUBLISH /<db>.celeryev/<routing key>`, received with PSUBSCRIBE on the shared pub/sub
 * connection, so Flower and `celery events` see tq workers and `tq events` sees Python ones.
 * Pub/sub stores nothing: an event nobody listens to is gone, and a subscriber leaves no key.
 */
export class RedisEventChannel implements EventChannel {
  /** `<prefix>/<db>.celeryev/`: a channel is this plus the routing key. */
  private readonly channelPrefix: string;

  constructor(
    private readonly connection: RedisConnection,
    private readonly pubsub: RedisPubSub,
    keys: KeySpace,
    private readonly logger: Logger,
  ) {
    this.channelPrefix = keys.eventChannelPrefix(connection.db);
  }

  async publish(routingKey: string, event: PlaneMessage): Promise<void> {
    const envelope = planeEnvelope(event, { exchange: 'celeryev', routingKey, deliveryMode: 1 });
    await this.connection.command.publish(this.channelPrefix + routingKey, envelope);
  }

  /** Patterns with the same glob share one PSUBSCRIBE; each subscriber keeps what its own pattern matches. */
  subscribe(pattern: string, handler: (routingKey: string, event: PlaneMessage) => void): Promise<() => Promise<void>> {
    return this.pubsub.listenPattern(topicGlob(this.channelPrefix, pattern), (raw, channel) => {
      const routingKey = channel.slice(this.channelPrefix.length);
      if (!topicMatches(pattern, routingKey)) return;
      const event = parsePlaneEnvelope(raw);
      if (event) handler(routingKey, event);
      else this.logger.warn({ channel }, 'ignored an event that is not a kombu envelope');
    });
  }
}
