import {
  type Broker,
  type BrokerCapabilities,
  BrokerConnectionError,
  ConfigurationError,
  type ConsumeOptions,
  type DeadLetter,
  type DeliveryHandler,
  type OutgoingMessage,
  PayloadTooLargeError,
  type PublishOptions,
  type Subscription,
  type TaskMessage,
} from '@tq/core';
import type { ConsumeMessage } from 'amqplib';
import { type AmqpBrokerConfig, describeUrl } from '../amqp-broker-config.js';
import { AmqpConnection } from '../connection/amqp-connection.js';
import { ConfirmPublisher, type Outgoing } from '../connection/confirm-publisher.js';
import { closeQuietly, openChannel } from '../connection/open-channel.js';
import { stderrLogger } from '../logger.js';
import { copyOptions } from '../message/copy-options.js';
import { encodeMessage } from '../message/encode-message.js';
import { TQ_DEAD_LETTER_QUEUE, TQ_DEAD_LETTER_REASON, TQ_DEAD_LETTERED_AT, TQ_DELIVERY_COUNT } from '../message/transport-headers.js';
import { DelayLadder } from '../topology/delay-ladder.js';
import { deadLetterQueue, Topology } from '../topology/topology.js';
import { AmqpControl } from './amqp-control.js';
import { AmqpSubscription } from './amqp-subscription.js';
import type { DeliveryOps } from './delivery-ops.js';

const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;
const DEFAULT_VISIBILITY_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_DELAY_LEVELS = 32;
/** tq's priority range is 0–9. */
const TQ_PRIORITY_LEVELS = 10;

/**
 * The RabbitMQ broker (`amqp://`, `amqps://`), sharing queues with Python Celery: kombu's topology
 * and message mapping (spec §3), persistent messages with publisher confirms, acks after the
 * attempt, `basic.qos` = the consume prefetch, priorities through `x-max-priority`, delays on a
 * TTL + dead-letter ladder (no plugin), dead-letter queues, revoke over Celery's pidbox fanout, and
 * recovery from connection loss (consumers resume; publishes retry until `publishTimeoutMs`).
 */
export class AmqpBroker implements Broker, DeliveryOps {
  readonly capabilities: BrokerCapabilities;
  readonly control: AmqpControl;
  private readonly connection: AmqpConnection;
  private readonly publisher: ConfirmPublisher;
  private readonly topology: Topology;
  private readonly ladder: DelayLadder;
  private readonly subscriptions = new Set<AmqpSubscription>();
  private readonly publishTimeoutMs: number;
  private readonly visibilityTimeoutMs: number;
  private readonly quorum: boolean;

  constructor(private readonly config: AmqpBrokerConfig) {
    if ((config.url === undefined) === (config.connection === undefined)) {
      throw new ConfigurationError(
        "AmqpBroker needs exactly one of 'url' (amqp://user:pass@host:5672/vhost) or 'connection' (your amqplib connection)",
      );
    }
    const logger = config.logger ?? stderrLogger;
    this.quorum = config.queueType === 'quorum';
    if (config.queueType !== undefined && config.queueType !== 'classic' && !this.quorum) {
      throw new ConfigurationError(`queueType must be 'classic' or 'quorum', got '${config.queueType}'`);
    }
    for (const key of ['x-queue-type', 'x-max-priority']) {
      if (config.queueArguments && key in config.queueArguments) {
        // tq must know these: quorum queues refuse the channel-wide prefetch, priorities are a capability.
        throw new ConfigurationError(`Set '${key}' with ${key === 'x-queue-type' ? 'queueType' : 'maxPriority'}, not queueArguments`);
      }
    }
    const maxPriority = config.maxPriority;
    if (maxPriority !== undefined && (!Number.isInteger(maxPriority) || maxPriority < 1 || maxPriority > 255)) {
      throw new ConfigurationError(`maxPriority must be an integer 1–255 (x-max-priority; 9 or 10 covers tq's 0–9), got ${maxPriority}`);
    }
    if (maxPriority !== undefined && this.quorum) {
      throw new ConfigurationError('maxPriority cannot be used with quorum queues: RabbitMQ 3.10 quorum queues have no priorities');
    }
    this.ladder = new DelayLadder(config.delayLevels ?? DEFAULT_DELAY_LEVELS);
    this.publishTimeoutMs = positive('publishTimeoutMs', config.publishTimeoutMs, DEFAULT_PUBLISH_TIMEOUT_MS);
    this.visibilityTimeoutMs = positive('visibilityTimeoutMs', config.visibilityTimeoutMs, DEFAULT_VISIBILITY_TIMEOUT_MS);
    this.capabilities = {
      delay: { maxDelayMs: this.ladder.maxDelayMs, emulated: true },
      priority: maxPriority === undefined ? false : { levels: Math.min(maxPriority + 1, TQ_PRIORITY_LEVELS) },
      ack: 'per-message',
      // A dead consumer's connection or channel closing requeues its deliveries at once.
      visibilityTimeout: true,
      extendVisibility: false,
      deadLetter: true,
      ordering: 'none',
      broadcast: true,
      batchPublish: true,
      maxMessageBytes: positive('maxMessageBytes', config.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES),
    };
    const description = config.url ? `RabbitMQ at ${describeUrl(config.url)}` : 'RabbitMQ (connection passed in)';
    this.connection = new AmqpConnection(
      config.url ? { url: config.url } : { connection: config.connection as never },
      logger,
      description,
    );
    this.publisher = new ConfirmPublisher(this.connection, logger, this.publishTimeoutMs);
    this.topology = new Topology(
      this.connection,
      {
        queueType: this.quorum ? 'quorum' : 'classic',
        maxPriority,
        queueArguments: config.queueArguments ?? {},
        ladder: this.ladder,
        waitMs: this.publishTimeoutMs,
      },
      logger,
    );
    this.control = new AmqpControl(
      this.connection,
      this.topology,
      () => this.publisher,
      config.controlExchange ?? 'celery.pidbox',
      logger,
      this.publishTimeoutMs,
    );
  }

  async connect(): Promise<void> {
    await this.connection.open();
  }

  /** Consumers stop (RabbitMQ requeues unsettled deliveries); the publisher waits for its confirms unless `force`. */
  async close(options: { force?: boolean } = {}): Promise<void> {
    if (!this.connection.isOpen) return;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.shutDown()));
    await this.control.close();
    await this.publisher.close(options.force ?? false);
    await this.topology.close();
    await this.connection.close();
  }

  async publish(queue: string, message: TaskMessage, options: PublishOptions = {}): Promise<void> {
    const outgoing = await this.prepare(queue, message, options);
    await this.publisher.publish(outgoing);
  }

  /** Encodes and checks every message before sending any, then sends them back to back and waits for all confirms. */
  async publishBatch(messages: readonly OutgoingMessage[]): Promise<void> {
    const outgoing = await Promise.all(messages.map((m) => this.prepare(m.queue, m.message, m.options ?? {})));
    await this.publisher.publishAll(outgoing);
  }

  async consume(queues: readonly string[], handler: DeliveryHandler, options: ConsumeOptions): Promise<Subscription> {
    this.requireOpen();
    if (!Number.isInteger(options.prefetch) || options.prefetch < 1 || options.prefetch > 65_535) {
      throw new ConfigurationError(`consume() needs prefetch to be an integer 1–65535 (basic.qos), got ${options.prefetch}`);
    }
    if (queues.length === 0) throw new ConfigurationError('consume() needs at least one queue');
    const subscription = new AmqpSubscription(this.connection, this.topology, this, this.config.logger ?? stderrLogger, {
      queues,
      handler,
      prefetch: options.prefetch,
      perConsumerPrefetch: this.quorum,
      graceMs: this.visibilityTimeoutMs,
      waitMs: this.publishTimeoutMs,
      onClosed: (closed) => this.subscriptions.delete(closed),
    });
    await subscription.start();
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Purges the queue and its delay ladder; counts both. */
  async purge(queue: string): Promise<number> {
    const queues = await this.waitingPlaces(queue);
    return this.topology.withChannel(async (channel) => {
      let purged = 0;
      for (const name of queues) purged += (await channel.purgeQueue(name)).messageCount;
      return purged;
    });
  }

  /** Ready messages in the queue plus those waiting on its delay ladder (unacknowledged ones are not counted). */
  async size(queue: string): Promise<number> {
    const queues = await this.waitingPlaces(queue);
    return this.topology.withChannel(async (channel) => {
      let size = 0;
      for (const name of queues) size += (await channel.checkQueue(name)).messageCount;
      return size;
    });
  }

  /**
   * Reads up to `limit` messages of the queue's dead-letter queue (`tq.dead.<queue>`) without
   * removing them: they are fetched unacknowledged and given back when the reading channel closes.
   */
  async deadLetters(queue: string, limit = Number.POSITIVE_INFINITY): Promise<DeadLetter[]> {
    const name = deadLetterQueue(queue);
    if (!(await this.topology.exists(name))) return [];
    const channel = await openChannel(
      await this.connection.ready(this.publishTimeoutMs),
      this.config.logger ?? stderrLogger,
      'dead-letter reader',
    );
    try {
      const letters: DeadLetter[] = [];
      while (letters.length < limit) {
        const message = await channel.get(name, { noAck: false });
        if (!message) break;
        const headers = message.properties.headers ?? {};
        letters.push({
          raw: message.content,
          reason: String(headers[TQ_DEAD_LETTER_REASON] ?? 'unknown'),
          queue: String(headers[TQ_DEAD_LETTER_QUEUE] ?? queue),
        });
      }
      return letters;
    } finally {
      await closeQuietly(channel);
    }
  }

  /** @internal DeliveryOps: a delayed requeue is a confirmed copy on the ladder. */
  async requeueDelayed(queue: string, message: ConsumeMessage, delayMs: number, deliveries: number): Promise<void> {
    await this.topology.ladder(queue);
    await this.publisher.publish({
      exchange: this.ladder.entryExchange,
      routingKey: this.ladder.routingKey(queue, delayMs),
      content: message.content,
      options: copyOptions(message.properties, { [TQ_DELIVERY_COUNT]: deliveries }),
    });
  }

  /** @internal DeliveryOps: a dead letter is a confirmed copy in `tq.dead.<queue>`, reason in its headers. */
  async deadLetter(queue: string, message: ConsumeMessage, reason: string): Promise<void> {
    await this.topology.deadLetters(queue);
    await this.publisher.publish({
      exchange: '',
      routingKey: deadLetterQueue(queue),
      content: message.content,
      options: copyOptions(message.properties, {
        [TQ_DEAD_LETTER_REASON]: reason,
        [TQ_DEAD_LETTER_QUEUE]: queue,
        [TQ_DEAD_LETTERED_AT]: new Date().toISOString(),
      }),
    });
  }

  private async prepare(queue: string, message: TaskMessage, options: PublishOptions): Promise<Outgoing> {
    this.requireOpen();
    const delayMs = options.delayMs ?? 0;
    const encoded = encodeMessage(message, { priority: options.priority, keepExpiration: delayMs <= 0 });
    const limit = this.capabilities.maxMessageBytes;
    if (encoded.content.byteLength > limit) {
      throw new PayloadTooLargeError(`Message ${message.headers.id} (${message.headers.task})`, encoded.content.byteLength, limit);
    }
    if (delayMs > 0) {
      const routingKey = this.ladder.routingKey(queue, delayMs);
      await this.topology.ladder(queue);
      return { exchange: this.ladder.entryExchange, routingKey, ...encoded };
    }
    await this.topology.queue(queue);
    // Celery publishes direct-exchange tasks to the default exchange, routing key = queue (spec §3.2).
    return { exchange: '', routingKey: queue, ...encoded };
  }

  /** The queue, plus its ladder's level queues when the ladder exists. */
  private async waitingPlaces(queue: string): Promise<string[]> {
    this.requireOpen();
    await this.topology.queue(queue);
    const top = this.ladder.levelQueue(queue, this.ladder.levels - 1);
    // The top level is declared last: if it exists, the whole ladder does.
    return (await this.topology.exists(top)) ? [queue, ...this.ladder.levelQueues(queue)] : [queue];
  }

  private requireOpen(): void {
    if (!this.connection.isOpen) throw new BrokerConnectionError('The AMQP broker is closed');
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(`${name} must be a positive number, got ${value}`);
  return value;
}
