import { type Span, SpanStatusCode } from '@opentelemetry/api';
import type { Delivery, NackOptions } from '../spec/broker.js';

/** Settle events carry the semantic conventions' operation type. */
const SETTLE = { 'messaging.operation.type': 'settle' } as const;

/**
 * A delivery that remembers whether anything settled it, so the worker can settle one left
 * unsettled by an error nobody expected: an unsettled message holds its consumer's prefetch slot
 * and, on AMQP, is never redelivered while the connection lives. The settle is recorded on the
 * delivery's process span, when traced.
 */
export class TrackedDelivery implements Delivery {
  /** A settle was asked for (ack, nack or dead-letter), whether or not it went through. */
  settled = false;
  readonly extendVisibility?: (ms: number) => Promise<void>;

  constructor(
    private readonly delivery: Delivery,
    /** The `process` span (see `Tracing`); undefined when tracing is off. */
    private readonly span?: Span,
  ) {
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
    this.span?.addEvent('ack', SETTLE);
    return this.delivery.ack();
  }

  nack(options?: NackOptions): Promise<void> {
    this.settled = true;
    this.span?.addEvent('nack', { ...SETTLE, 'tq.requeue': options?.requeue ?? true, 'tq.delay_ms': options?.delayMs ?? 0 });
    return this.delivery.nack(options);
  }

  deadLetter(reason: string): Promise<void> {
    this.settled = true;
    this.span?.addEvent('dead_letter', { ...SETTLE, 'tq.reason': reason });
    this.span?.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    return this.delivery.deadLetter(reason);
  }
}
