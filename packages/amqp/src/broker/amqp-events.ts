import { randomUUID } from 'node:crypto';
import type { EventChannel, PlaneMessage } from '@tq/core';
import type { ConfirmPublisher } from '../connection/confirm-publisher.js';
import type { Topology } from '../topology/topology.js';
import type { PlaneConsumers } from './plane-consumers.js';
import { planeContent, planeMessage, planePublishOptions } from './plane-message.js';

/**
 * A subscriber queue's arguments, as Celery's event receivers declare them (spec §3.1): an event
 * unread for 5 s is stale for a monitor, and a queue whose monitor died without closing its
 * connection goes after a minute, so a slow or dead monitor cannot make RabbitMQ hoard events.
 */
const SUBSCRIBER_QUEUE_ARGUMENTS = { 'x-message-ttl': 5_000, 'x-expires': 60_000 };

/**
 * Celery's event stream over RabbitMQ (spec §8.1): the durable topic exchange `celeryev`, one
 * publish per event under its routing key (`worker.heartbeat`, `task.multi`), so `celery events`
 * and Flower read tq's events and tq reads Python's. Each subscriber has an exclusive auto-delete
 * queue `celeryev.<uuid>`, redeclared after a reconnect. Events are transient messages, published
 * on the broker's plane channel, never the task publishes' one, so a burst of events does not
 * hold up tasks.
 */
export class AmqpEvents implements EventChannel {
  constructor(
    private readonly topology: Topology,
    private readonly consumers: PlaneConsumers,
    private readonly publisher: ConfirmPublisher,
    private readonly exchange: string,
  ) {}

  /**
   * One transient message to `celeryev` under `routingKey`, headers `{hostname}`. Resolves once
   * RabbitMQ routed it (confirmed), so a subscriber that binds afterwards never sees it; unroutable
   * (nobody listening) means dropped.
   */
  async publish(routingKey: string, event: PlaneMessage): Promise<void> {
    await this.topology.exchange(this.exchange, 'topic', true);
    await this.publisher.publish({
      exchange: this.exchange,
      routingKey,
      content: planeContent(event),
      options: planePublishOptions(event, 1),
    });
  }

  /** Consume a fresh `celeryev.<uuid>` bound with `pattern`, redeclared after reconnects, gone when stopped. */
  async subscribe(pattern: string, handler: (routingKey: string, event: PlaneMessage) => void): Promise<() => Promise<void>> {
    const queue = `${this.exchange}.${randomUUID()}`;
    return this.consumers.consume(
      {
        queue,
        // Exclusive and auto-delete: it goes with its channel, nothing to delete.
        deleteOnStop: false,
        declare: async (channel) => {
          await this.topology.exchange(this.exchange, 'topic', true);
          await channel.assertQueue(queue, { durable: false, autoDelete: true, exclusive: true, arguments: SUBSCRIBER_QUEUE_ARGUMENTS });
          await channel.bindQueue(queue, this.exchange, pattern);
        },
      },
      (delivery) => handler(delivery.fields.routingKey, planeMessage(delivery)),
    );
  }
}
