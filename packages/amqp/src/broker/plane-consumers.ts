import type { Logger } from '@tq/core';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { AmqpConnection } from '../connection/amqp-connection.js';
import { ResilientChannel } from '../connection/resilient-channel.js';

/** One private queue of a monitoring plane: a node's pidbox queue, a reply mailbox, an event subscriber's queue. */
export interface PlaneQueue {
  /** Queue name, for logs and deletion. */
  queue: string;
  /** Declare and bind the queue on `channel`; runs again on a fresh channel after every channel or connection loss. */
  declare(channel: Channel): Promise<void>;
  /** Delete the queue when the consumer stops (a mailbox: gone when `stop` resolves), instead of leaving it to auto-delete. */
  deleteOnStop: boolean;
}

/**
 * The consumers of the control and event planes: each on its own {@link ResilientChannel}, so a
 * subscription survives reconnects; without acks, as kombu consumes them (a lost request, reply
 * or event is a retry for the caller, never a redelivery). A handler that throws is logged and
 * the consumer goes on.
 */
export class PlaneConsumers {
  private readonly channels = new Set<ResilientChannel>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly logger: Logger,
    private readonly waitMs: number,
  ) {}

  /** Consume `plane.queue` until the returned function is called (idempotent). */
  async consume(plane: PlaneQueue, handler: (delivery: ConsumeMessage) => void): Promise<() => Promise<void>> {
    const what = `consumer of ${plane.queue}`;
    const channel = new ResilientChannel(this.connection, this.logger, what, async (ch) => {
      await plane.declare(ch);
      await ch.consume(plane.queue, (delivery) => delivery && this.hand(what, handler, delivery), { noAck: true });
    });
    await channel.start(this.waitMs);
    this.channels.add(channel);
    return async () => {
      if (!this.channels.delete(channel)) return;
      const live = channel.channel;
      channel.detach();
      // Without a live channel the queue still goes: auto-delete dropped it with its consumer, x-expires does otherwise.
      if (plane.deleteOnStop && live) await live.deleteQueue(plane.queue).catch(() => {});
      await channel.close();
    };
  }

  /** Stop every consumer (their auto-delete queues go with them). */
  async close(): Promise<void> {
    const channels = [...this.channels];
    this.channels.clear();
    await Promise.all(channels.map((channel) => channel.close()));
  }

  private hand(what: string, handler: (delivery: ConsumeMessage) => void, delivery: ConsumeMessage): void {
    try {
      handler(delivery);
    } catch (err) {
      this.logger.error({ err }, `${what}: handler failed`);
    }
  }
}
