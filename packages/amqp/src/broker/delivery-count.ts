import type { MessageFields, MessageProperties } from 'amqplib';
import { QUORUM_DELIVERY_COUNT, TQ_DELIVERY_COUNT } from '../message/transport-headers.js';

/**
 * How many times a message was delivered, this time included.
 *
 * - `x-tq-delivery-count`: deliveries before tq re-published it (delayed nack).
 * - Quorum queues count returns exactly in `x-delivery-count`.
 * - Classic queues only say `redelivered`: that counts as one earlier delivery — a lower bound
 *   when a message was requeued several times.
 */
export function deliveryCount(fields: MessageFields, properties: MessageProperties): number {
  const headers = properties.headers ?? {};
  const before = count(headers[TQ_DELIVERY_COUNT]);
  const returned = count(headers[QUORUM_DELIVERY_COUNT]);
  return before + 1 + (returned > 0 ? returned : fields.redelivered ? 1 : 0);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
}
