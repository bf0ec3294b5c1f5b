import type { Message } from '@aws-sdk/client-sqs';
import type { Delivery, MessageDecodeError, NackOptions, TaskMessage } from '@tq/core';
import { decodeSqsBody } from './sqs-body.js';
import { MAX_VISIBILITY_SECONDS } from './sqs-broker-config.js';
import type { QueueInfo } from './sqs-queues.js';

/**
 * Message attribute carrying `deliveryCount` less one when a requeue re-sent the message: SQS counts
 * every receive (`ApproximateReceiveCount`), and a deliberate return must not count (see
 * `Delivery.deliveryCount`), so the copy starts SQS's count afresh on top of it.
 */
export const DELIVERY_OFFSET_ATTRIBUTE = 'tq-delivery-offset';

/** How a delivery was settled. `requeue` puts it back; the others take it off the queue. */
export type DeliveryOutcome = 'ack' | 'drop' | 'requeue' | 'dead';

/** What a delivery asks of its broker to settle. */
export interface DeliveryOperations {
  readonly maxDelayMs: number;
  deleteMessage(url: string, receiptHandle: string): Promise<void>;
  changeVisibility(url: string, receiptHandle: string, seconds: number): Promise<void>;
  /** Send the same body again (delayed by `delaySeconds`, maybe 0), then delete this copy: a requeue that does not count as a receive. */
  resend(delivery: SqsDelivery, delaySeconds: number): Promise<void>;
  deadLetter(delivery: SqsDelivery, reason: string): Promise<void>;
}

/** Told when a FIFO delivery goes back, so its group's later messages go back with it (order kept). */
export interface RequeueListener {
  requeued(delivery: SqsDelivery): void;
}

/**
 * One received SQS message. ack = DeleteMessage; nack = visibility 0 (or a delay); deadLetter =
 * copy to the dead-letter queue with the reason, then delete. The first settle wins.
 */
export class SqsDelivery implements Delivery {
  readonly queue: string;
  readonly message: TaskMessage | undefined;
  readonly decodeError: MessageDecodeError | undefined;
  /** The bytes received, SQS's base64 layer removed: the kombu envelope of a valid message. */
  readonly raw: Uint8Array;
  readonly deliveryCount: number;
  readonly visibilityTimeoutMs: number;
  readonly receiptHandle: string;
  readonly messageId: string;
  /** The SQS body as received. */
  readonly body: string;
  /** MessageGroupId (FIFO queues). */
  readonly groupId: string | undefined;
  private settledAs: DeliveryOutcome | undefined;

  constructor(
    readonly info: QueueInfo,
    readonly url: string,
    sqsMessage: Message,
    private readonly operations: DeliveryOperations,
    private readonly listener?: RequeueListener,
  ) {
    this.queue = info.name;
    this.body = sqsMessage.Body ?? '';
    const { raw, message, decodeError } = decodeSqsBody(this.body);
    this.raw = raw;
    this.message = message;
    this.decodeError = decodeError;
    const received = Number(sqsMessage.Attributes?.ApproximateReceiveCount ?? 1);
    const offset = Number(sqsMessage.MessageAttributes?.[DELIVERY_OFFSET_ATTRIBUTE]?.StringValue ?? 0);
    this.deliveryCount = (Number.isFinite(received) ? received : 1) + (Number.isFinite(offset) ? offset : 0);
    this.visibilityTimeoutMs = info.visibilitySeconds * 1000;
    this.receiptHandle = sqsMessage.ReceiptHandle ?? '';
    this.messageId = sqsMessage.MessageId ?? '';
    this.groupId = sqsMessage.Attributes?.MessageGroupId;
  }

  /** How it was settled, if it was. */
  get outcome(): DeliveryOutcome | undefined {
    return this.settledAs;
  }

  ack(): Promise<void> {
    if (!this.settle('ack')) return Promise.resolve();
    return this.operations.deleteMessage(this.url, this.receiptHandle);
  }

  nack(options: NackOptions = {}): Promise<void> {
    const requeue = options.requeue ?? true;
    if (!this.settle(requeue ? 'requeue' : 'drop')) return Promise.resolve();
    if (!requeue) return this.operations.deleteMessage(this.url, this.receiptHandle);
    const delayMs = Math.max(0, options.delayMs ?? 0);
    const seconds = Math.ceil(delayMs / 1000);
    // Standard queues: a requeue re-sends (with DelaySeconds when delayed), so hops of a long eta and
    // shutdowns do not count as receives (a RedrivePolicy would dead-letter them, and so would
    // maxDeliveries). FIFO queues have no per-message delay, and a re-send would lose the message's
    // place in its group: they change the visibility, and SQS counts that receive.
    if (!this.info.fifo && delayMs <= this.operations.maxDelayMs) return this.operations.resend(this, seconds);
    this.listener?.requeued(this);
    return this.operations.changeVisibility(this.url, this.receiptHandle, Math.min(seconds, MAX_VISIBILITY_SECONDS));
  }

  deadLetter(reason: string): Promise<void> {
    if (!this.settle('dead')) return Promise.resolve();
    return this.operations.deadLetter(this, reason);
  }

  extendVisibility(ms: number): Promise<void> {
    if (this.settledAs) return Promise.resolve();
    const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(ms / 1000)));
    return this.operations.changeVisibility(this.url, this.receiptHandle, seconds);
  }

  private settle(outcome: DeliveryOutcome): boolean {
    if (this.settledAs) return false;
    this.settledAs = outcome;
    return true;
  }
}
