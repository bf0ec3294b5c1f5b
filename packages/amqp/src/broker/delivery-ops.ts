import type { ConsumeMessage } from 'amqplib';

/** What a delivery asks of its broker when settling means publishing (delayed nack, dead letter). */
export interface DeliveryOps {
  /** Put a copy of `message` back on `queue` now, its `deliveryCount` starting after `deliveries`. Resolves once confirmed. */
  requeue(queue: string, message: ConsumeMessage, deliveries: number): Promise<void>;
  /** Put a copy of `message` back on `queue` after `delayMs`, its `deliveryCount` starting after `deliveries`. Resolves once confirmed. */
  requeueDelayed(queue: string, message: ConsumeMessage, delayMs: number, deliveries: number): Promise<void>;
  /** Park a copy of `message` in `queue`'s dead-letter queue with `reason`. Resolves once confirmed. */
  deadLetter(queue: string, message: ConsumeMessage, reason: string): Promise<void>;
}
