import type { ControlChannel, PlaneMessage } from '@tq/core';
import type { ConfirmPublisher } from '../connection/confirm-publisher.js';
import type { Topology } from '../topology/topology.js';
import type { PlaneConsumers } from './plane-consumers.js';
import { planeContent, planeMessage, planePublishOptions } from './plane-message.js';

/**
 * Celery's node queue arguments (spec §3.1, kombu's defaults): unread requests expire after
 * 5 minutes, and the queue of a node gone without cancelling goes 10 s after its last consumer.
 */
const NODE_QUEUE_ARGUMENTS = { 'x-message-ttl': 300_000, 'x-expires': 10_000 };

/**
 * Remote control over RabbitMQ in kombu's pidbox layout (spec §9), so `celery inspect` reaches
 * tq workers and `tq inspect` reaches Python ones. Requests: fanout exchange `<exchange>`
 * (default `celery.pidbox`), one auto-delete queue `<node>.<exchange>` per node bound with `''`.
 * Replies: direct exchange `reply.<exchange>`, one mailbox queue `<id>.reply.<exchange>` per
 * caller bound with key `<id>`, deleted when the caller closes it. A dead caller's mailbox goes
 * by itself: auto-delete drops it with its consumer, `x-expires` = `ttlMs` if it never had one,
 * and `x-message-ttl` = `ttlMs` drops stale replies (kombu's reply queues leak: kombu#294).
 */
export class AmqpControl implements ControlChannel {
  private readonly replyExchange: string;

  constructor(
    private readonly topology: Topology,
    private readonly consumers: PlaneConsumers,
    private readonly publisher: ConfirmPublisher,
    private readonly exchange: string,
  ) {
    this.replyExchange = `reply.${exchange}`;
  }

  /** Resolves once RabbitMQ routed the request (confirmed); a `revoke` does not vanish in a reconnect. */
  async broadcast(request: PlaneMessage): Promise<void> {
    await this.topology.fanout(this.exchange);
    await this.publisher.publish({
      exchange: this.exchange,
      routingKey: '',
      content: planeContent(request),
      options: planePublishOptions(request, 2),
    });
  }

  /** Consume `<node>.<exchange>`, redeclared after reconnects; the queue goes with its last consumer. */
  async listen(node: string, handler: (request: PlaneMessage) => void): Promise<() => Promise<void>> {
    const queue = `${node}.${this.exchange}`;
    return this.consumers.consume(
      {
        queue,
        // Not deleted on stop: another process may listen under the same node name; auto-delete and x-expires clean up.
        deleteOnStop: false,
        declare: async (channel) => {
          await this.topology.fanout(this.exchange);
          await channel.assertQueue(queue, { durable: false, autoDelete: true, arguments: NODE_QUEUE_ARGUMENTS });
          await channel.bindQueue(queue, this.exchange, '');
        },
      },
      (delivery) => handler(planeMessage(delivery)),
    );
  }

  /** Declare and consume `<id>.reply.<exchange>` (x-expires and x-message-ttl = `ttlMs`); closing deletes it. */
  async openMailbox(id: string, ttlMs: number, handler: (reply: PlaneMessage) => void): Promise<() => Promise<void>> {
    const queue = `${id}.${this.replyExchange}`;
    // RabbitMQ wants whole positive milliseconds; replies older than the wait are worthless too.
    const ttl = Math.max(1, Math.ceil(ttlMs));
    return this.consumers.consume(
      {
        queue,
        deleteOnStop: true,
        declare: async (channel) => {
          await this.topology.exchange(this.replyExchange, 'direct', false);
          await channel.assertQueue(queue, {
            durable: false,
            autoDelete: true,
            arguments: { 'x-expires': ttl, 'x-message-ttl': ttl },
          });
          await channel.bindQueue(queue, this.replyExchange, id);
        },
      },
      (delivery) => handler(planeMessage(delivery)),
    );
  }

  /** Without `mandatory`: a reply to a mailbox that is gone is unroutable and dropped, as kombu's. */
  async reply(id: string, reply: PlaneMessage): Promise<void> {
    await this.topology.exchange(this.replyExchange, 'direct', false);
    await this.publisher.publish({
      exchange: this.replyExchange,
      routingKey: id,
      content: planeContent(reply),
      options: planePublishOptions(reply, 1),
    });
  }
}
