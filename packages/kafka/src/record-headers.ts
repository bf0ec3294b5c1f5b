/**
 * Kafka record headers tq writes. The record value is always the task message's kombu JSON
 * envelope (or, for dead letters, the bytes exactly as received); these carry transport facts.
 */
export const HEADER = {
  /** `deliveryCount` before the record was written (a delayed requeue keeps it: the next delivery reads it plus one), decimal. */
  deliveryCount: 'tq-delivery-count',
  /** Delay topics: epoch ms at which the record is due, decimal. */
  dueAt: 'tq-due-at',
  /** Delay topics: the queue the record goes to when due. */
  targetQueue: 'tq-queue',
  /** Dead letters: why it was parked. */
  deadReason: 'tq-dead-reason',
  /** Dead letters: the queue it was consumed from. */
  deadQueue: 'tq-dead-queue',
  /** Dead letters: when it was parked (ISO-8601). */
  deadAt: 'tq-dead-at',
  /** Dead letters: `topic/partition/offset` it was read from. */
  deadSource: 'tq-dead-source',
} as const;

/** A non-negative integer header, or `fallback`. */
export function intHeader(headers: Record<string, string>, name: string, fallback: number): number {
  const value = headers[name];
  if (value === undefined) return fallback;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : fallback;
}
