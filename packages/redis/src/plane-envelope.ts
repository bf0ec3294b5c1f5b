import { randomUUID } from 'node:crypto';
import { type PlaneMessage, toPythonJson } from '@tq/core';

/** Where kombu says a plane message went, and how durable it is. */
export interface PlaneRoute {
  /** `celery.pidbox`, `reply.celery.pidbox` or `celeryev`. */
  exchange: string;
  /** `''` for a request, the mailbox id for a reply, the event's routing key. */
  routingKey: string;
  /** kombu's: 2 (persistent) for requests, 1 for replies and events (spec §8.1, §9.2, §9.3). */
  deliveryMode: 1 | 2;
}

/**
 * A pidbox request or reply, or an event, in kombu's JSON envelope (the one task messages use:
 * base64 body, uuid4 delivery tag), byte for byte what a Celery process sends, so `celery inspect`,
 * `celery events` and Flower read tq's and tq reads theirs (captures in spec §8.1 and §9.3).
 */
export function planeEnvelope(message: PlaneMessage, route: PlaneRoute): string {
  const { body } = message;
  return toPythonJson({
    body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'),
    'content-encoding': 'utf-8',
    'content-type': 'application/json',
    headers: message.headers,
    properties: {
      delivery_mode: route.deliveryMode,
      delivery_info: { exchange: route.exchange, routing_key: route.routingKey },
      priority: 0,
      body_encoding: 'base64',
      delivery_tag: randomUUID(),
    },
  });
}
