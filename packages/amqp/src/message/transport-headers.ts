/**
 * Headers that belong to the transport, not to the task: RabbitMQ's dead-lettering records
 * (added by every hop of the delay ladder), quorum queues' redelivery counter, and tq's own
 * bookkeeping. They are read for `deliveryCount` and dead-letter records, kept out of
 * `message.headers` (so a retried task does not carry them on), and dropped when tq re-publishes.
 */
export const TQ_DELIVERY_COUNT = 'x-tq-delivery-count';
export const TQ_DEAD_LETTER_REASON = 'x-tq-dead-letter-reason';
export const TQ_DEAD_LETTER_QUEUE = 'x-tq-dead-letter-queue';
export const TQ_DEAD_LETTERED_AT = 'x-tq-dead-lettered-at';
/** Set by RabbitMQ on quorum-queue redeliveries: how many times the message was returned. */
export const QUORUM_DELIVERY_COUNT = 'x-delivery-count';

const TRANSPORT_HEADERS = new Set([
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
  QUORUM_DELIVERY_COUNT,
  TQ_DELIVERY_COUNT,
  TQ_DEAD_LETTER_REASON,
  TQ_DEAD_LETTER_QUEUE,
  TQ_DEAD_LETTERED_AT,
]);

/** The task's own headers: `headers` without the transport ones. */
export function taskHeaders(headers: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers ?? {})) if (!TRANSPORT_HEADERS.has(key)) result[key] = value;
  return result;
}
