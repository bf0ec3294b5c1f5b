import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerConnectionError, type Logger } from '@tq/core';
import type { ConfirmChannel, Options } from 'amqplib';
import type { AmqpConnection } from './amqp-connection.js';
import { closeQuietly, openConfirmChannel } from './open-channel.js';

const OPEN_RETRY_MS = 50;

/** One message for {@link ConfirmPublisher.publish}. */
export interface Outgoing {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

/**
 * Publishes on one confirm channel and resolves only when RabbitMQ confirmed the message.
 *
 * A message whose channel closes before its confirm (the connection dropped, RabbitMQ restarted)
 * is published again on the next connection, until `timeoutMs` after the call: it either gets
 * through or the call fails with `BrokerConnectionError` — it never vanishes. (A resend after a
 * lost confirm can duplicate a message; tq is at-least-once and task ids make duplicates visible.)
 * A broker nack fails the call at once.
 */
export class ConfirmPublisher {
  private channel: ConfirmChannel | undefined;
  private opening: Promise<ConfirmChannel> | undefined;
  /** Set while the channel's write buffer is full: later publishes wait for 'drain'. */
  private drained: Promise<unknown> | undefined;
  private readonly dead = new WeakSet<ConfirmChannel>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  /** Publish and wait for the confirm. */
  async publish(message: Outgoing): Promise<void> {
    await this.publishAll([message]);
  }

  /** Publish every message back to back (one round trip for all confirms), then wait for all. */
  async publishAll(messages: readonly Outgoing[]): Promise<void> {
    const deadline = performance.now() + this.timeoutMs;
    let pending = messages;
    for (;;) {
      const channel = await this.open(deadline).catch(async (error: unknown) => {
        // The connection is going down under us (it will be redialled): try again until the deadline.
        if (performance.now() >= deadline || !this.connection.isOpen) throw error;
        await sleep(OPEN_RETRY_MS);
        return undefined;
      });
      if (!channel) continue;
      const results = await Promise.allSettled(pending.map((message) => this.send(channel, message)));
      const failed = pending.filter((_, i) => results[i]?.status === 'rejected');
      if (failed.length === 0) return;
      const firstError = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error;
      // Open channel, yet rejected: a broker nack or a bad message. Not something a retry fixes.
      if (!this.dead.has(channel)) throw firstError;
      if (performance.now() >= deadline) {
        throw new BrokerConnectionError(
          `${failed.length} message(s) not confirmed by RabbitMQ within ${this.timeoutMs} ms (connection lost: ${firstError.message})`,
          { cause: firstError },
        );
      }
      pending = failed;
    }
  }

  /** Close the channel, waiting for outstanding confirms unless `force`. */
  async close(force: boolean): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    if (!channel) return;
    if (!force) await channel.waitForConfirms().catch(() => {});
    await closeQuietly(channel);
  }

  private async send(channel: ConfirmChannel, message: Outgoing): Promise<void> {
    if (this.drained) await this.drained;
    await new Promise<void>((resolve, reject) => {
      try {
        const more = channel.publish(message.exchange, message.routingKey, message.content, message.options, (err) =>
          err ? reject(err) : resolve(),
        );
        if (!more && !this.drained) {
          this.drained = Promise.race([once(channel, 'drain'), once(channel, 'close')]).finally(() => {
            this.drained = undefined;
          });
        }
      } catch (error) {
        // amqplib throws synchronously on a closed channel and on oversized header tables.
        reject(error);
      }
    });
  }

  private async open(deadline: number): Promise<ConfirmChannel> {
    if (this.channel) return this.channel;
    this.opening ??= (async () => {
      const model = await this.connection.ready(Math.max(0, deadline - performance.now()));
      const channel = await openConfirmChannel(model, 'publisher', this.logger);
      channel.on('close', () => {
        this.dead.add(channel);
        if (this.channel === channel) this.channel = undefined;
      });
      this.channel = channel;
      return channel;
    })().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }
}
