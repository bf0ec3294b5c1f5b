import type { Logger } from '@tq/core';
import type { Channel, ChannelModel } from 'amqplib';
import type { AmqpConnection } from '../connection/amqp-connection.js';
import { closeQuietly, openChannel } from '../connection/open-channel.js';
import { translateDeclareError } from './declare-error.js';
import { DelayLadder, levelExchange } from './delay-ladder.js';

/** How queues are declared. */
export interface TopologyConfig {
  queueType: 'classic' | 'quorum';
  maxPriority: number | undefined;
  queueArguments: Record<string, unknown>;
  ladder: DelayLadder;
  waitMs: number;
}

/** Name of the dead-letter queue of `queue`. */
export function deadLetterQueue(queue: string): string {
  return `tq.dead.${queue}`;
}

const NOT_FOUND = 404;

/**
 * Declares what tq uses, once per connection (RabbitMQ forgets non-durable entities on restart,
 * so a new connection declares again). Task queues get Celery's topology (spec §3.1): durable
 * direct exchange named like the queue, durable queue, binding by queue name. Concurrent callers
 * share one declaration. A declaration refused with PRECONDITION_FAILED closes the declaring
 * channel (AMQP's rule): the next one opens a fresh channel, and the caller gets a
 * ConfigurationError naming the argument that differs.
 */
export class Topology {
  private model: ChannelModel | undefined;
  private channel: Promise<Channel> | undefined;
  private declared = new Map<string, Promise<void>>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly config: TopologyConfig,
    private readonly logger: Logger,
  ) {}

  /** Arguments of a task queue, exactly as declared (also what Python must declare to share it). */
  queueArguments(): Record<string, unknown> {
    const args: Record<string, unknown> = { ...this.config.queueArguments };
    if (this.config.queueType === 'quorum') args['x-queue-type'] = 'quorum';
    if (this.config.maxPriority !== undefined) args['x-max-priority'] = this.config.maxPriority;
    return args;
  }

  /** The task queue, its exchange and binding. */
  queue(queue: string): Promise<void> {
    return this.once(`queue:${queue}`, async (channel) => {
      await this.declare(`Exchange '${queue}'`, () => channel.assertExchange(queue, 'direct', { durable: true, autoDelete: false }));
      await this.declare(`Queue '${queue}'`, () =>
        channel.assertQueue(queue, { durable: true, autoDelete: false, arguments: this.queueArguments() }),
      );
      await channel.bindQueue(queue, queue, queue);
    });
  }

  /** The delay ladder of `queue` (and the shared exchanges, once). */
  ladder(queue: string): Promise<void> {
    return this.once(`ladder:${queue}`, async (channel) => {
      await Promise.all([this.queue(queue), this.ladderExchanges()]);
      const { ladder } = this.config;
      for (let level = 0; level < ladder.levels; level++) {
        const name = ladder.levelQueue(queue, level);
        await this.declare(`Delay queue '${name}'`, () =>
          channel.assertQueue(name, {
            durable: true,
            autoDelete: false,
            arguments: { ...this.holdingArguments(), 'x-message-ttl': 2 ** level, 'x-dead-letter-exchange': ladder.nextExchange(level) },
          }),
        );
        await channel.bindQueue(name, levelExchange(level), ladder.levelPattern(queue, level));
      }
      await channel.bindQueue(queue, DelayLadder.deliverExchange, ladder.deliverPattern(queue));
    });
  }

  /** The dead-letter queue of `queue`. */
  deadLetters(queue: string): Promise<void> {
    const name = deadLetterQueue(queue);
    return this.once(`dead:${queue}`, (channel) =>
      this.declare(`Dead-letter queue '${name}'`, () =>
        channel.assertQueue(name, { durable: true, autoDelete: false, arguments: this.holdingArguments() }),
      ).then(() => undefined),
    );
  }

  /** A fanout exchange (control broadcasts), not durable, as Celery's `celery.pidbox`. */
  fanout(exchange: string): Promise<void> {
    return this.once(`fanout:${exchange}`, (channel) =>
      this.declare(`Exchange '${exchange}'`, () => channel.assertExchange(exchange, 'fanout', { durable: false, autoDelete: false })).then(
        () => undefined,
      ),
    );
  }

  /**
   * An exchange of the monitoring planes, with exactly Celery's flags (spec §3.1: direct
   * `reply.celery.pidbox` not durable, topic `celeryev` durable; neither auto-delete), since
   * RabbitMQ refuses a redeclaration that differs — Python's too.
   */
  exchange(exchange: string, type: 'direct' | 'topic', durable: boolean): Promise<void> {
    return this.once(`exchange:${exchange}`, (channel) =>
      this.declare(`Exchange '${exchange}'`, () => channel.assertExchange(exchange, type, { durable, autoDelete: false })).then(
        () => undefined,
      ),
    );
  }

  /** Whether a queue exists, without creating it (a failed passive declare costs its own channel). */
  async exists(queue: string): Promise<boolean> {
    const model = await this.connection.ready(this.config.waitMs);
    const channel = await openChannel(model, 'check', undefined);
    try {
      await channel.checkQueue(queue);
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === NOT_FOUND) return false;
      throw error;
    } finally {
      await closeQuietly(channel);
    }
  }

  /** Run `work` on the declaring channel (purge, message counts). */
  async withChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    return work(await this.declaringChannel());
  }

  /** Close the declaring channel. */
  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await closeQuietly(await channel?.catch(() => undefined));
  }

  /** Arguments of queues that only hold messages (ladder, dead letters): no priority, same queue type. */
  private holdingArguments(): Record<string, unknown> {
    // Quorum dead-lettering is at-most-once unless asked; reject-publish is what at-least-once requires.
    return this.config.queueType === 'quorum'
      ? { 'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' }
      : {};
  }

  private ladderExchanges(): Promise<void> {
    return this.once('ladder-exchanges', async (channel) => {
      const { ladder } = this.config;
      const durable = { durable: true, autoDelete: false };
      await channel.assertExchange(DelayLadder.deliverExchange, 'topic', durable);
      for (let level = 0; level < ladder.levels; level++) await channel.assertExchange(levelExchange(level), 'topic', durable);
      for (let level = 0; level < ladder.levels; level++) {
        await channel.bindExchange(ladder.nextExchange(level), levelExchange(level), ladder.passPattern(level));
      }
    });
  }

  private async declare<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translateDeclareError(error, what);
    }
  }

  private once(key: string, work: (channel: Channel) => Promise<void>): Promise<void> {
    this.forgetIfReconnected();
    let done = this.declared.get(key);
    if (!done) {
      done = this.declaringChannel().then(work);
      this.declared.set(key, done);
      // A failed declaration is retried by the next caller.
      done.catch(() => {
        if (this.declared.get(key) === done) this.declared.delete(key);
      });
    }
    return done;
  }

  private forgetIfReconnected(): void {
    const current = this.connection.current;
    if (current && current !== this.model) {
      this.model = current;
      this.declared = new Map();
      this.channel = undefined;
    }
  }

  private declaringChannel(): Promise<Channel> {
    this.channel ??= (async () => {
      const model = await this.connection.ready(this.config.waitMs);
      const channel = await openChannel(model, 'topology', this.logger);
      channel.on('close', () => {
        if (this.channel === opened) this.channel = undefined;
      });
      return channel;
    })();
    const opened = this.channel;
    opened.catch(() => {
      if (this.channel === opened) this.channel = undefined;
    });
    return opened;
  }
}
