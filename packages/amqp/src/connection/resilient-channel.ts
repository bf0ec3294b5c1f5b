import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@tq/core';
import type { Channel } from 'amqplib';
import { type AmqpConnection, reconnectBackoff } from './amqp-connection.js';
import { closeQuietly, openChannel } from './open-channel.js';

/** How long one wait for the connection lasts before the loop logs and waits again. */
const READY_WAIT_MS = 60_000;

/**
 * A consuming channel that comes back by itself: `setup` (qos, declarations, basic.consume) runs
 * on a fresh channel at start and again whenever the channel or the whole connection is lost
 * (RabbitMQ restarted, consumer_timeout, a network blip), until `stop()`.
 */
export class ResilientChannel {
  private current: Channel | undefined;
  private stopped = false;
  private recovering = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly logger: Logger,
    private readonly what: string,
    private readonly setup: (channel: Channel) => Promise<void>,
  ) {}

  /** The channel consuming right now (undefined while recovering). */
  get channel(): Channel | undefined {
    return this.current;
  }

  /** Open and set up the first channel; fails when that fails (nothing is retried yet). */
  async start(waitMs: number): Promise<void> {
    await this.attach(await this.connection.ready(waitMs));
  }

  /** Stop recovering; the channel stays open until `close()`. */
  detach(): void {
    this.stopped = true;
  }

  /** Stop recovering and close the channel (RabbitMQ requeues its unacknowledged deliveries). */
  async close(): Promise<void> {
    this.stopped = true;
    const channel = this.current;
    this.current = undefined;
    await closeQuietly(channel);
  }

  private async attach(model: Awaited<ReturnType<AmqpConnection['ready']>>): Promise<void> {
    const channel = await openChannel(model, this.what, this.logger);
    channel.on('close', () => {
      if (this.current !== channel) return;
      this.current = undefined;
      if (!this.stopped) void this.recover();
    });
    // Current before setup: deliveries can arrive before basic.consume's reply is processed, and
    // they must be settleable on this channel.
    this.current = channel;
    try {
      await this.setup(channel);
    } catch (error) {
      if (this.current === channel) this.current = undefined;
      await closeQuietly(channel);
      throw error;
    }
    if (this.stopped && this.current === channel) {
      this.current = undefined;
      await closeQuietly(channel);
    }
  }

  private async recover(): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    try {
      const backoff = reconnectBackoff();
      while (!this.stopped && !this.current) {
        try {
          await this.attach(await this.connection.ready(READY_WAIT_MS));
          if (this.current) this.logger.info(`${this.what}: recovered`);
          return;
        } catch (err) {
          if (this.stopped || !this.connection.isOpen) return;
          const retryInMs = backoff.next();
          this.logger.warn({ err, retryInMs }, `${this.what}: could not recover yet`);
          await sleep(retryInMs);
        }
      }
    } finally {
      this.recovering = false;
    }
  }
}
