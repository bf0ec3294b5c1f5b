import {
  type Broker,
  type BrokerCapabilities,
  ConfigurationError,
  type ConsumeOptions,
  type DeadLetter,
  type DeliveryHandler,
  defaultLogger,
  type Logger,
  type OutgoingMessage,
  type PublishOptions,
  positiveNumber,
  type QueueDepth,
  type Subscription,
  type TaskMessage,
} from '@tq/core';
import type { ConsumeMessage } from 'amqplib';
import type { AmqpBrokerConfig } from '../amqp-broker-config.js';
import { type AmqpConnection, connectionOf } from '../connection/amqp-connection.js';
import { ConfirmPublisher, type Outgoing } from '../connection/confirm-publisher.js';
import { closeQuietly, openChannel } from '../connection/open-channel.js';
import { copyOptions } from '../message/copy-options.js';
import { encodeMessage } from '../message/encode-message.js';
import { TQ_DEAD_LETTER_QUEUE, TQ_DEAD_LETTER_REASON, TQ_DEAD_LETTERED_AT, TQ_DELIVERY_COUNT } from '../message/transport-headers.js';
import { DelayLadder } from '../topology/delay-ladder.js';
import { deadLetterQueue, Topology } from '../topology/topology.js';
import { AmqpControl } from './amqp-control.js';
import { AmqpEvents } from './amqp-events.js';
import { AmqpSubscription } from './amqp-subscription.js';
import type { DeliveryOps } from './delivery-ops.js';
import { PlaneConsumers } from './plane-consumers.js';

const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;
const DEFAULT_VISIBILITY_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_DELAY_LEVELS = 32;
/** tq's priority range is 0–9. */
const TQ_PRIORITY_LEVELS = 10;
/** Celery's `event_exchange` default: `celery events` and Flower listen there. */
const EVENT_EXCHANGE = 'celeryev';

/**
 * The RabbitMQ broker (`amqp://`, `amqps://`), sharing queues with Python Celery: kombu's topology
 * and message mapping (spec §3), persistent messages with publisher confirms, acks after the
 * attempt, `basic.qos` = the consume prefetch, priorities through `x-max-priority`, delays on a
 * TTL + dead-letter ladder (no plugin), dead-letter queues, Celery's remote control (pidbox) and
 * event stream (`celeryev`), and recovery from connection loss (consumers resume; publishes retry
 * until `publishTimeoutMs`).
 *
 * It only moves bytes: core's `RuntimeBroker` wraps it and owns connect/close ordering, publish
 * checks (delay clamp, priority, size against `maxMessageBytes`) and consume validation.
 */
export class AmqpBroker implements Broker, DeliveryOps {
  readonly capabilities: BrokerCapabilities;
  readonly messagingSystem = 'rabbitmq';
  /** `host:port` of RabbitMQ, for errors (none for a connection passed in). */
  get address(): string | undefined {
    return this.connection.address;
  }
  /** Remote control in kombu's pidbox layout on `controlExchange`. */
  readonly control: AmqpControl;
  /** Events on Celery's `celeryev` topic exchange. */
  readonly events: AmqpEvents;
  private readonly connection: AmqpConnection;
  private readonly publisher: ConfirmPublisher;
  private readonly planePublisher: ConfirmPublisher;
  private readonly planeConsumers: PlaneConsumers;
  private readonly topology: Topology;
  private readonly ladder: DelayLadder;
  private readonly subscriptions = new Set<AmqpSubscription>();
  private readonly publishTimeoutMs: number;
  private readonly visibilityTimeoutMs: number;
  private readonly quorum: boolean;
  private readonly logger: Logger;

  constructor(config: AmqpBrokerConfig) {
    this.logger = config.logger ?? defaultLogger();
    this.connection = connectionOf('AmqpBroker', 'RabbitMQ', config, this.logger);
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
    this.publishTimeoutMs = positiveNumber('AmqpBroker', 'publishTimeoutMs', config.publishTimeoutMs, DEFAULT_PUBLISH_TIMEOUT_MS);
    this.visibilityTimeoutMs = positiveNumber(
      'AmqpBroker',
      'visibilityTimeoutMs',
      config.visibilityTimeoutMs,
      DEFAULT_VISIBILITY_TIMEOUT_MS,
    );
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
      events: true,
      batchPublish: true,
      // Core checks the encoded body against it; headers and properties travel in their own frame.
      maxMessageBytes: positiveNumber('AmqpBroker', 'maxMessageBytes', config.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES, {
        integer: true,
      }),
    };
    this.publisher = new ConfirmPublisher(this.connection, this.logger, this.publishTimeoutMs);
    this.topology = new Topology(
      this.connection,
      {
        queueType: this.quorum ? 'quorum' : 'classic',
        maxPriority,
        queueArguments: config.queueArguments ?? {},
        ladder: this.ladder,
        waitMs: this.publishTimeoutMs,
      },
      this.logger,
    );
    // Control and events get a confirm channel of their own: a burst of task events never waits
    // behind, or holds up, the confirms of task publishes.
    this.planePublisher = new ConfirmPublisher(this.connection, this.logger, this.publishTimeoutMs);
    this.planeConsumers = new PlaneConsumers(this.connection, this.logger, this.publishTimeoutMs);
    this.control = new AmqpControl(this.topology, this.planeConsumers, this.planePublisher, config.controlExchange ?? 'celery.pidbox');
    this.events = new AmqpEvents(this.topology, this.planeConsumers, this.planePublisher, EVENT_EXCHANGE);
  }

  async connect(): Promise<void> {
    await this.connection.open();
  }

  /** Consumers stop (RabbitMQ requeues unsettled deliveries); the publisher waits for its confirms unless `force`. */
  async close(options: { force?: boolean } = {}): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.shutDown()));
    await this.planeConsumers.close();
    await Promise.all([this.publisher.close(options.force ?? false), this.planePublisher.close(options.force ?? false)]);
    await this.topology.close();
    await this.connection.close();
  }

  async publish(queue: string, message: TaskMessage, options: PublishOptions = {}): Promise<void> {
    await this.publisher.publish(await this.prepare(queue, message, options));
  }

  /** Encodes every message and declares its queue before sending any, then sends them back to back and waits for all confirms. */
  async publishBatch(messages: readonly OutgoingMessage[]): Promise<void> {
    const outgoing = await Promise.all(messages.map((m) => this.prepare(m.queue, m.message, m.options ?? {})));
    await this.publisher.publishAll(outgoing);
  }

  async consume(queues: readonly string[], handler: DeliveryHandler, { prefetch }: ConsumeOptions): Promise<Subscription> {
    const subscription = new AmqpSubscription(this.connection, this.topology, this, this.logger, {
      queues,
      handler,
      prefetch,
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
      // In the order messages flow (top of the ladder first, the queue last): a delayed message that
      // hops down meanwhile lands in a queue not purged yet, instead of one already purged.
      for (const name of [...queues].reverse()) purged += (await channel.purgeQueue(name)).messageCount;
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

  /** Ready: the queue's message count; delayed: its ladder's; dead letters: `tq.dead.<queue>`'s (unacknowledged ones are in none). */
  async depth(queue: string): Promise<QueueDepth> {
    const [main, ...ladder] = await this.waitingPlaces(queue);
    const dead = deadLetterQueue(queue);
    const hasDead = await this.topology.exists(dead);
    return this.topology.withChannel(async (channel) => {
      const count = async (name: string) => (await channel.checkQueue(name)).messageCount;
      let delayed = 0;
      for (const name of ladder) delayed += await count(name);
      return { ready: await count(main as string), delayed, deadLetters: hasDead ? await count(dead) : 0 };
    });
  }

  /**
   * Reads up to `limit` messages of the queue's dead-letter queue (`tq.dead.<queue>`) without
   * removing them: they are fetched unacknowledged and given back when the reading channel closes.
   */
  async deadLetters(queue: string, limit = Number.POSITIVE_INFINITY): Promise<DeadLetter[]> {
    const name = deadLetterQueue(queue);
    if (!(await this.topology.exists(name))) return [];
    const channel = await openChannel(await this.connection.ready(this.publishTimeoutMs), 'dead-letter reader', this.logger);
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

  /** @internal DeliveryOps: a requeue that keeps tq's count is a confirmed copy at the back of the queue. */
  async requeue(queue: string, message: ConsumeMessage, deliveries: number): Promise<void> {
    await this.topology.queue(queue);
    await this.publisher.publish({
      exchange: '',
      routingKey: queue,
      content: message.content,
      options: copyOptions(message.properties, { [TQ_DELIVERY_COUNT]: deliveries }),
    });
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
    const delayMs = options.delayMs ?? 0;
    const encoded = encodeMessage(message, { priority: options.priority });
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
    await this.topology.queue(queue);
    const top = this.ladder.levelQueue(queue, this.ladder.levels - 1);
    // The top level is declared last: if it exists, the whole ladder does.
    return (await this.topology.exists(top)) ? [queue, ...this.ladder.levelQueues(queue)] : [queue];
  }
}
