import { type Delivery, fromEnvelope, MessageDecodeError, type NackOptions, type TaskMessage } from '@tq/core';
import type { OutgoingRecord } from './client/kafka-client.js';
import type { WindowEntry } from './partition-window.js';
import type { OwnedPartition, QueueConsumer, QueueConsumerContext } from './queue-consumer.js';
import { HEADER } from './record-headers.js';
import { tierFor } from './topics.js';

const COMPLETED = Promise.resolve();

/**
 * What a delivery tells when it settles: its subscription. Declared here, not imported from
 * kafka-subscription.ts, which creates deliveries (no import cycle).
 */
export interface SettleListener {
  settled(delivery: KafkaDelivery): void;
}

/** What a delivery uses of its subscription's context. */
export type DeliveryContext = Pick<QueueConsumerContext, 'config' | 'send'>;

/**
 * One record handed to a handler. The first settle call wins. Settling a delivery whose partition
 * was revoked in the meantime changes nothing: the partition's new owner redelivers the record
 * from the committed offset (a duplicate, never a loss).
 */
export class KafkaDelivery implements Delivery {
  readonly queue: string;
  readonly message: TaskMessage | undefined;
  readonly decodeError: MessageDecodeError | undefined;
  readonly raw: Uint8Array;
  /** A crashed member's partitions move after the session timeout; running deliveries never expire. */
  readonly visibilityTimeoutMs: number;
  private settled = false;

  constructor(
    private readonly subscription: SettleListener,
    private readonly consumer: QueueConsumer,
    private readonly part: OwnedPartition,
    private readonly entry: WindowEntry,
    readonly deliveryCount: number,
    private readonly ctx: DeliveryContext,
  ) {
    this.queue = consumer.topics.queue;
    // The record's own bytes (each fetch decodes into fresh buffers), not a copy: a copy per message
    // shows in profiles, and handlers only read `raw`.
    this.raw = entry.record.value;
    this.visibilityTimeoutMs = ctx.config.sessionTimeoutMs;
    try {
      this.message = fromEnvelope(this.raw);
      this.decodeError = undefined;
    } catch (error) {
      this.message = undefined;
      this.decodeError = error instanceof MessageDecodeError ? error : new MessageDecodeError(String(error), { cause: error });
    }
  }

  /** Done at once (the commit follows on its own schedule): one shared resolved promise, not one each. */
  ack(): Promise<void> {
    if (this.begin()) {
      this.consumer.complete(this.part, this.entry);
      this.subscription.settled(this);
    }
    return COMPLETED;
  }

  async nack(options: NackOptions = {}): Promise<void> {
    if (!this.begin()) return;
    try {
      await this.nackNow(options);
    } finally {
      this.subscription.settled(this);
    }
  }

  async deadLetter(reason: string): Promise<void> {
    if (!this.begin()) return;
    try {
      await this.deadLetterNow(reason);
    } finally {
      this.subscription.settled(this);
    }
  }

  private async nackNow(options: NackOptions): Promise<void> {
    const { requeue = true, delayMs = 0 } = options;
    if (!requeue) return this.consumer.complete(this.part, this.entry);
    if (delayMs <= 0) return this.consumer.requeue(this.part, this.entry);
    if (!this.part.window.alive) return this.consumer.complete(this.part, this.entry);
    await this.moveTo({
      topic: tierFor(this.consumer.topics, delayMs),
      key: this.entry.record.key,
      value: this.entry.record.value,
      headers: {
        [HEADER.dueAt]: String(Date.now() + delayMs),
        [HEADER.targetQueue]: this.queue,
        // A deliberate return: the redelivery keeps this delivery's count (see `Delivery.deliveryCount`).
        [HEADER.deliveryCount]: String(this.deliveryCount - 1),
      },
    });
  }

  private async deadLetterNow(reason: string): Promise<void> {
    if (!this.part.window.alive) return this.consumer.complete(this.part, this.entry);
    const { topic, partition } = this.part.window;
    await this.moveTo({
      topic: this.consumer.topics.dead,
      key: this.entry.record.key,
      value: this.entry.record.value,
      headers: {
        [HEADER.deadReason]: reason,
        [HEADER.deadQueue]: this.queue,
        [HEADER.deadAt]: new Date().toISOString(),
        [HEADER.deadSource]: `${topic}/${partition}/${this.entry.offset}`,
        [HEADER.deliveryCount]: String(this.deliveryCount),
      },
    });
  }

  /** Write the record elsewhere, then complete it here; on failure it runs again here. */
  private async moveTo(record: OutgoingRecord): Promise<void> {
    try {
      await this.ctx.send([record]);
    } catch (error) {
      this.consumer.requeue(this.part, this.entry);
      throw error;
    }
    this.consumer.complete(this.part, this.entry);
  }

  /** True exactly once. */
  private begin(): boolean {
    if (this.settled) return false;
    this.settled = true;
    return true;
  }
}
