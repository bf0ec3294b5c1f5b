import type { MessageFields, MessageProperties } from 'amqplib';
import { QUORUM_DELIVERY_COUNT, TQ_DELIVERY_COUNT } from '../message/transport-headers.js';

/**
 * How many times a message was delivered without being settled, this time included (see
 * `Delivery.deliveryCount`).
 *
 * - `x-tq-delivery-count`: the count before tq last re-published it (a requeue, a delayed
 *   requeue, or a {@link needsCountStamp stamp}); tq's copies start RabbitMQ's own count afresh.
 * - Quorum queues count returns exactly in `x-delivery-count`; since tq requeues by copy, the
 *   returns RabbitMQ counts are lost deliveries (a closed channel or connection).
 * - Classic queues only say `redelivered`: one lost delivery since the copy was published.
 */
export function deliveryCount(fields: MessageFields, properties: MessageProperties): number {
  const headers = properties.headers ?? {};
  const before = count(headers[TQ_DELIVERY_COUNT]);
  const returned = count(headers[QUORUM_DELIVERY_COUNT]);
  return before + 1 + (returned > 0 ? returned : fields.redelivered ? 1 : 0);
}

/**
 * A redelivery RabbitMQ did not count (a classic queue says only `redelivered`): a second lost
 * delivery would read the same count as the first, so the subscription re-publishes it carrying
 * its count before handing it out.
 */
export function needsCountStamp(fields: MessageFields, properties: MessageProperties): boolean {
  return fields.redelivered && count(properties.headers?.[QUORUM_DELIVERY_COUNT]) === 0;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
}
