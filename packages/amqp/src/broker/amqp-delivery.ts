import type { Delivery, MessageDecodeError, NackOptions, TaskMessage } from '@tq/core';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { DecodedMessage } from '../message/decode-message.js';
import type { DeliveryOps } from './delivery-ops.js';

/** Where a delivery came from and whom to tell when it is settled. */
export interface DeliverySource {
  queue: string;
  channel: Channel;
  /** True while `channel` is open: its delivery tags are only valid on it. */
  isLive(channel: Channel): boolean;
  ops: DeliveryOps;
}

/**
 * One AMQP delivery. `ack`/`nack` go to the channel it arrived on; if that channel is gone,
 * RabbitMQ has already requeued the message, so settling is a no-op (at-least-once), never an
 * "unknown delivery tag" error that would close the new channel. A requeue (delayed or not) and a
 * dead letter publish a copy (confirmed) and only then ack the original: a crash in between
 * duplicates, never loses. If that publish fails the original is requeued and the error thrown.
 * The copy of a requeue carries this delivery's count less one in `x-tq-delivery-count`: RabbitMQ
 * would count a `basic.nack` requeue as a redelivery (quorum queues' `x-delivery-count`, classic
 * queues' `redelivered`), and a deliberate return must not count (see `Delivery.deliveryCount`).
 */
export class AmqpDelivery implements Delivery {
  readonly queue: string;
  readonly message: TaskMessage | undefined;
  readonly decodeError: MessageDecodeError | undefined;
  readonly raw: Uint8Array;
  private settled = false;

  constructor(
    private readonly source: DeliverySource,
    private readonly amqp: ConsumeMessage,
    decoded: DecodedMessage,
    readonly deliveryCount: number,
  ) {
    this.queue = source.queue;
    this.message = decoded.message;
    this.decodeError = decoded.decodeError;
    this.raw = amqp.content;
  }

  async ack(): Promise<void> {
    if (this.settle()) this.whenLive((channel) => channel.ack(this.amqp));
  }

  async nack(options: NackOptions = {}): Promise<void> {
    if (!this.settle()) return;
    if (options.requeue === false) return this.whenLive((channel) => channel.nack(this.amqp, false, false));
    const delayMs = options.delayMs ?? 0;
    const before = this.deliveryCount - 1;
    if (delayMs > 0) return this.replace(() => this.source.ops.requeueDelayed(this.queue, this.amqp, delayMs, before));
    // Its channel is gone: RabbitMQ has put it back already (counted as a lost delivery).
    if (!this.source.isLive(this.source.channel)) return;
    return this.replace(() => this.source.ops.requeue(this.queue, this.amqp, before));
  }

  async deadLetter(reason: string): Promise<void> {
    if (!this.settle()) return;
    return this.replace(() => this.source.ops.deadLetter(this.queue, this.amqp, reason));
  }

  private async replace(publishCopy: () => Promise<void>): Promise<void> {
    try {
      await publishCopy();
    } catch (error) {
      this.whenLive((channel) => channel.nack(this.amqp, false, true));
      throw error;
    }
    this.whenLive((channel) => channel.ack(this.amqp));
  }

  /** True exactly once. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    return true;
  }

  private whenLive(settle: (channel: Channel) => void): void {
    const { channel } = this.source;
    if (this.source.isLive(channel)) settle(channel);
  }
}
