import { type EventChannel, type PlaneMessage, topicMatches } from '@tq/core';
import { ROUTING_KEY_ATTRIBUTE, type SqsPlanes } from './sqs-planes.js';

/** How old a listing of subscriber queues a publisher may use: events are frequent, ListQueues is a call. */
const LISTING_MAX_AGE_MS = 1000;

/**
 * Events on SQS (ADR 0026): each subscriber owns a queue `tq-ev-<random>`; a publisher sends every
 * event to every subscriber queue (listed by prefix, the listing kept for a second), with the
 * routing key as an attribute, and each subscriber keeps the keys its pattern matches. A
 * subscriber started less than a second ago may miss a publisher's first events (best effort).
 */
export class SqsEventChannel implements EventChannel {
  constructor(private readonly planes: SqsPlanes) {}

  async publish(routingKey: string, event: PlaneMessage): Promise<void> {
    await this.planes.queues.sweep('events');
    const urls = await this.planes.queues.list('events', LISTING_MAX_AGE_MS);
    if (urls.length > 0) await this.planes.send(urls, event, routingKey);
  }

  subscribe(pattern: string, handler: (routingKey: string, event: PlaneMessage) => void): Promise<() => Promise<void>> {
    return this.planes.read('events', (event, raw) => {
      const key = raw.MessageAttributes?.[ROUTING_KEY_ATTRIBUTE]?.StringValue;
      if (key !== undefined && topicMatches(pattern, key)) handler(key, event);
    });
  }
}
