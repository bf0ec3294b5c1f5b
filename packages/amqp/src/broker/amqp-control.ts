import { randomUUID } from 'node:crypto';
import type { ControlChannel, ControlMessage, Logger } from '@tq/core';
import type { AmqpConnection } from '../connection/amqp-connection.js';
import type { ConfirmPublisher } from '../connection/confirm-publisher.js';
import { ResilientChannel } from '../connection/resilient-channel.js';
import type { Topology } from '../topology/topology.js';

/** Celery's pidbox queue arguments (spec §3.1): unread broadcasts expire, an abandoned queue goes away. */
const PIDBOX_QUEUE_ARGUMENTS = { 'x-message-ttl': 300_000, 'x-expires': 10_000 };

/**
 * Control broadcasts over a fanout exchange, in Celery's pidbox format (spec §9): a tq `revoke`
 * reaches Python workers and `celery control revoke` reaches tq workers. Each subscriber has its
 * own auto-delete queue, redeclared after a reconnect. Requests addressed to named nodes
 * (`destination`) are not broadcasts and are skipped.
 */
export class AmqpControl implements ControlChannel {
  private readonly subscriptions = new Set<ResilientChannel>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly topology: Topology,
    private readonly publisher: () => ConfirmPublisher,
    private readonly exchange: string,
    private readonly logger: Logger,
    private readonly waitMs: number,
  ) {}

  async broadcast(message: ControlMessage): Promise<void> {
    await this.topology.fanout(this.exchange);
    const body = { method: message.command, arguments: message.arguments, destination: null, pattern: null, matcher: null };
    await this.publisher().publish({
      exchange: this.exchange,
      routingKey: '',
      content: Buffer.from(JSON.stringify(body)),
      options: {
        contentType: 'application/json',
        contentEncoding: 'utf-8',
        headers: { clock: { '!': 'int', value: 0 }, expires: { '!': 'int', value: 0 } },
        deliveryMode: 2,
      },
    });
  }

  async subscribe(handler: (message: ControlMessage) => void): Promise<() => Promise<void>> {
    const queue = `tq-${randomUUID()}.celery.pidbox`;
    const channel = new ResilientChannel(this.connection, this.logger, `control subscriber ${queue}`, async (ch) => {
      await this.topology.fanout(this.exchange);
      await ch.assertQueue(queue, { durable: false, autoDelete: true, arguments: PIDBOX_QUEUE_ARGUMENTS });
      await ch.bindQueue(queue, this.exchange, '');
      await ch.consume(queue, (delivery) => delivery && this.receive(delivery.content, handler), { noAck: true });
    });
    await channel.start(this.waitMs);
    this.subscriptions.add(channel);
    return async () => {
      this.subscriptions.delete(channel);
      await channel.close();
    };
  }

  /** Stop every subscription. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((channel) => channel.close()));
    this.subscriptions.clear();
  }

  private receive(content: Buffer, handler: (message: ControlMessage) => void): void {
    let body: { method?: unknown; arguments?: unknown; destination?: unknown };
    try {
      body = JSON.parse(content.toString('utf8'));
    } catch (err) {
      this.logger.warn({ err }, 'ignored a control message that is not JSON');
      return;
    }
    if (typeof body.method !== 'string') return;
    if (Array.isArray(body.destination) && body.destination.length > 0) return;
    const args = body.arguments !== null && typeof body.arguments === 'object' ? (body.arguments as Record<string, unknown>) : {};
    try {
      handler({ command: body.method, arguments: args });
    } catch (err) {
      this.logger.error({ err }, 'control handler failed');
    }
  }
}
