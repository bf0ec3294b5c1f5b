import { type DeliveryHandler, handOff, type Logger, type Subscription } from '@tq/core';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { AmqpConnection } from '../connection/amqp-connection.js';
import { ResilientChannel } from '../connection/resilient-channel.js';
import { decodeMessage } from '../message/decode-message.js';
import type { Topology } from '../topology/topology.js';
import { AmqpDelivery, type DeliverySource } from './amqp-delivery.js';
import { deliveryCount, needsCountStamp } from './delivery-count.js';
import type { DeliveryOps } from './delivery-ops.js';

/** basic.qos counts in 16 bits; a larger prefetch is kept by the local count alone. */
const MAX_QOS = 65_535;

/** What one `consume()` call needs. */
export interface AmqpSubscriptionConfig {
  queues: readonly string[];
  handler: DeliveryHandler;
  prefetch: number;
  /** Quorum queues refuse a channel-wide (global) prefetch: limit per consumer instead. */
  perConsumerPrefetch: boolean;
  /** After `close()`, how long handed-out deliveries stay settleable. */
  graceMs: number;
  waitMs: number;
  onClosed(subscription: AmqpSubscription): void;
}

/**
 * One `consume()` call: one channel with `basic.qos(prefetch)` and a consumer per queue.
 *
 * Every message is handed to the handler the moment amqplib parses it — tq keeps no buffer of its
 * own, so a free slot never waits while a message sits in the client (the stall Celery's solo
 * worker shows). The broker's prefetch is the backpressure; a local count enforces `prefetch`
 * exactly even where RabbitMQ can only limit per consumer (several quorum queues).
 *
 * The channel comes back by itself after a channel or connection loss; RabbitMQ requeues what the
 * old channel held, and those deliveries' late acks are no-ops.
 */
export class AmqpSubscription implements Subscription {
  private readonly channel: ResilientChannel;
  private consumerTags: string[] = [];
  private running = 0;
  private readonly waiting: [DeliverySource, ConsumeMessage][] = [];
  private closed = false;
  private shut = false;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    connection: AmqpConnection,
    private readonly topology: Topology,
    private readonly ops: DeliveryOps,
    private readonly logger: Logger,
    private readonly config: AmqpSubscriptionConfig,
  ) {
    this.channel = new ResilientChannel(connection, logger, `consumer of ${config.queues.join(', ')}`, (channel) => this.setup(channel));
  }

  /** Declare the queues and start consuming. */
  async start(): Promise<void> {
    await this.channel.start(this.config.waitMs);
  }

  /**
   * Cancel the consumers at once; deliveries already handed out stay settleable until they are
   * all settled or `graceMs` passed, then the channel closes (RabbitMQ requeues the rest).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channel.detach();
    const channel = this.channel.channel;
    if (channel) await Promise.all(this.consumerTags.map((tag) => channel.cancel(tag).catch(() => undefined)));
    for (const [source, message] of this.waiting.splice(0)) this.giveBack(source, message);
    if (this.running === 0) await this.shutDown();
    else {
      this.graceTimer = setTimeout(() => void this.shutDown(), this.config.graceMs);
      this.graceTimer.unref();
    }
  }

  /** Close now (broker closing): unsettled deliveries go back to their queues. */
  async shutDown(): Promise<void> {
    if (this.shut) return;
    this.shut = true;
    this.closed = true;
    clearTimeout(this.graceTimer);
    await this.channel.close();
    this.config.onClosed(this);
  }

  private async setup(channel: Channel): Promise<void> {
    await channel.prefetch(Math.min(this.config.prefetch, MAX_QOS), !this.config.perConsumerPrefetch);
    const tags: string[] = [];
    for (const queue of this.config.queues) {
      // The ladder too: retries and early etas come back through it, and declaring it (dozens of
      // round trips) belongs at startup, not inside the first delayed nack.
      await this.topology.ladder(queue);
      const source: DeliverySource = { queue, channel, ops: this.ops, isLive: (c) => c === this.channel.channel };
      const { consumerTag } = await channel.consume(queue, (message) => this.receive(source, message), { noAck: false });
      tags.push(consumerTag);
    }
    this.consumerTags = tags;
  }

  private receive(source: DeliverySource, message: ConsumeMessage | null): void {
    if (message === null) {
      // basic.cancel from the server: the queue was deleted. Redeclaring it here would undo the deletion.
      this.logger.warn({ queue: source.queue }, 'RabbitMQ cancelled the consumer (queue deleted?); not consuming it any more');
      return;
    }
    if (this.closed) {
      this.giveBack(source, message);
      return;
    }
    if (needsCountStamp(message.fields, message.properties)) {
      void this.stamp(source, message);
      return;
    }
    this.admit(source, message);
  }

  /** Hand it to the handler now, or hold it while `prefetch` handlers run. */
  private admit(source: DeliverySource, message: ConsumeMessage): void {
    if (this.running >= this.config.prefetch) {
      this.waiting.push([source, message]);
      return;
    }
    this.dispatch(source, message);
  }

  private dispatch(source: DeliverySource, message: ConsumeMessage): void {
    this.running++;
    const decoded = decodeMessage(message.content, message.properties);
    const delivery = new AmqpDelivery(source, message, decoded, deliveryCount(message.fields, message.properties));
    handOff(
      this.config.handler,
      delivery,
      () => this.handlerDone(),
      (err) => this.logger.error({ err, queue: source.queue }, 'delivery handler failed'),
    );
  }

  private handlerDone(): void {
    this.running--;
    let next = this.waiting.shift();
    // Held on a channel that has died since: RabbitMQ already requeued it.
    while (next && !next[0].isLive(next[0].channel)) next = this.waiting.shift();
    if (next && !this.closed) this.dispatch(...next);
    else if (this.closed && this.running === 0) void this.shutDown();
  }

  /**
   * A classic-queue redelivery: re-publish it as a confirmed copy carrying its delivery count, then
   * ack the original; the copy is what a handler gets. Without this, every later loss would read
   * the same count and `maxDeliveries` could never stop a task that kills its worker. If the copy
   * cannot be published the message is handed out as it is (its count then a lower bound).
   */
  private async stamp(source: DeliverySource, message: ConsumeMessage): Promise<void> {
    try {
      await this.ops.requeue(source.queue, message, deliveryCount(message.fields, message.properties) - 1);
    } catch (error) {
      this.logger.warn(
        { err: error, queue: source.queue },
        'could not re-publish a redelivered message with its count; handing it out as it is',
      );
      if (this.closed) this.giveBack(source, message);
      else this.admit(source, message);
      return;
    }
    if (source.isLive(source.channel)) source.channel.ack(message);
  }

  private giveBack(source: DeliverySource, message: ConsumeMessage): void {
    if (source.isLive(source.channel)) source.channel.nack(message, false, true);
  }
}
