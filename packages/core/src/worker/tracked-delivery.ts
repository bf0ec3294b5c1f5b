import type { Delivery, NackOptions } from '../spec/broker.js';

/**
 * A delivery that remembers whether anything settled it, so the worker can settle one left
 * unsettled by an error nobody expected: an unsettled message holds its consumer's prefetch slot
 * and, on AMQP, is never redelivered while the connection lives.
 */
export class TrackedDelivery implements Delivery {
  /** A settle was asked for (ack, nack or dead-letter), whether or not it went through. */
  settled = false;
  readonly extendVisibility?: (ms: number) => Promise<void>;

  constructor(private readonly delivery: Delivery) {
    if (delivery.extendVisibility) this.extendVisibility = (ms) => delivery.extendVisibility?.(ms) ?? Promise.resolve();
  }

  get queue(): string {
    return this.delivery.queue;
  }

  get message(): Delivery['message'] {
    return this.delivery.message;
  }

  get decodeError(): Delivery['decodeError'] {
    return this.delivery.decodeError;
  }

  get raw(): Uint8Array {
    return this.delivery.raw;
  }

  get deliveryCount(): number {
    return this.delivery.deliveryCount;
  }

  get visibilityTimeoutMs(): number | undefined {
    return this.delivery.visibilityTimeoutMs;
  }

  ack(): Promise<void> {
    this.settled = true;
    return this.delivery.ack();
  }

  nack(options?: NackOptions): Promise<void> {
    this.settled = true;
    return this.delivery.nack(options);
  }

  deadLetter(reason: string): Promise<void> {
    this.settled = true;
    return this.delivery.deadLetter(reason);
  }
}
