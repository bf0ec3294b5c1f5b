import { type EventChannel, type PlaneMessage, topicMatches } from '@tq/core';
import type { PlaneContext } from './plane-context.js';
import { PLANE_TOPICS } from './plane-topics.js';

/**
 * Events on Kafka (ADR 0026): one topic, `tq.celeryev`, keyed by routing key. Each subscriber
 * tails it from its end and keeps the keys its pattern matches (AMQP topic rules, as core's
 * `topicMatches`). Kafka has no routing, so every subscriber fetches every event.
 */
export class KafkaEventChannel implements EventChannel {
  constructor(private readonly context: PlaneContext) {}

  publish(routingKey: string, event: PlaneMessage): Promise<void> {
    return this.context.send(PLANE_TOPICS.events, routingKey, event);
  }

  subscribe(pattern: string, handler: (routingKey: string, event: PlaneMessage) => void): Promise<() => Promise<void>> {
    return this.context.read(PLANE_TOPICS.events, `events ${pattern}`, (key, event) => {
      if (key !== null && topicMatches(pattern, key)) handler(key, event);
    });
  }
}
