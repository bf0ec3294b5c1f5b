import { randomBytes } from 'node:crypto';
import {
  type Broker,
  type BrokerCapabilities,
  ConfigurationError,
  type ConsumeOptions,
  type ControlChannel,
  type DeadLetter,
  type DeliveryHandler,
  defaultLogger,
  type EventChannel,
  type OutgoingMessage,
  type PublishOptions,
  positiveNumber,
  type QueueDepth,
  type Subscription,
  type TaskMessage,
  toEnvelope,
  UnsupportedCapabilityError,
} from '@tq/core';
import { AckBatcher } from './ack-batcher.js';
import type { BrokerContext } from './broker-context.js';
import { KeySpace } from './key-space.js';
import { kombuPriorityOf, PRIORITY_LEVELS } from './priority.js';
import type { RedisBrokerConfig } from './redis-broker-config.js';
import { RedisConnection } from './redis-connection.js';
import { type ConsumerHealth, RedisConsumer } from './redis-consumer.js';
import { RedisControlChannel } from './redis-control-channel.js';
import { RedisEventChannel } from './redis-event-channel.js';
import { RedisPubSub } from './redis-pub-sub.js';
import { scripts } from './redis-script.js';

const DEFAULT_VISIBILITY_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const MAX_BODY_BYTES = 384 * 1024 * 1024;
const DEFAULT_POLL_INTERVAL_MS = 1000;
const DEFAULT_CLAIM_BATCH_SIZE = 200;
const DEFAULT_DEAD_LETTER_LIMIT = 10_000;
/** Messages per LPUSH / ZADD in a batch publish (keeps each command, and Lua's unpack, bounded). */
const PUSH_CHUNK = 1000;
/** The values of `RedisBrokerConfig.delays`. */
const DELAYS = ['sorted-set', 'eta-header'];

/** One encoded message, ready to store. */
interface Encoded {
  queue: string;
  /** Kombu bucket (0 consumed first). */
  bucket: number;
  raw: string;
  delayMs: number;
}

/** What `health()` reports. */
export interface RedisBrokerHealth {
  /** True when the connection is up and every consumer talked to Redis recently: consumption works, not just TCP. */
  healthy: boolean;
  /** ioredis status of the command connection (`ready`, `reconnecting`, ...). */
  status: string;
  consumers: ConsumerHealth[];
  /** The last connection error seen, if any. */
  lastError: string | undefined;
}

/**
 * The Redis broker. Messages are kombu's JSON envelope on kombu's lists (priority buckets
 * included), so Python Celery and tq share queues. Beyond kombu: an atomic claim into an in-flight
 * record with a visibility deadline (which core's heartbeat extends through `extendVisibility`),
 * delays in a sorted set promoted by the claim itself (or, with `delays: 'eta-header'`, on the lists
 * with their eta, as Celery sends them), dead letters, and a doorbell so idle consumers do not
 * poll. It only moves bytes: lifecycle, publish checks and liveness are core's (`RuntimeBroker`),
 * which calls it only between a successful `connect()` and `close()`.
 * See docs/transports/redis.md.
 */
export class RedisBroker implements Broker {
  readonly capabilities: BrokerCapabilities;
  readonly messagingSystem = 'redis';
  /** `host:port` of the server (a cluster: its seeds), for errors. */
  get address(): string {
    return this.connection.address;
  }
  /** Remote control in kombu's layout: Celery's `inspect`/`control` and tq's reach each other's workers. */
  readonly control: ControlChannel;
  /** Events in kombu's layout: Flower and `celery events` see tq workers. */
  readonly events: EventChannel;
  /** `control`, for closing its mailboxes with the broker. */
  private readonly pidbox: RedisControlChannel;
  private readonly connection: RedisConnection;
  private readonly keys: KeySpace;
  private readonly acks: AckBatcher;
  private readonly pubsub: RedisPubSub;
  private readonly context: BrokerContext;
  private readonly consumers = new Set<RedisConsumer>();
  private readonly idPrefix = randomBytes(6).toString('base64url');
  private sequence = 0;
  /** `delays: 'eta-header'`: a delayed message goes on its list at once; its eta header holds it. */
  private readonly delaysInEtaHeader: boolean;

  constructor(config: RedisBrokerConfig = {}) {
    const logger = (config.logger ?? defaultLogger()).child({ broker: 'RedisBroker' });
    const positive = (name: keyof RedisBrokerConfig, fallback: number, integer = false, max?: number) =>
      positiveNumber('RedisBroker', name, config[name] as number | undefined, fallback, { integer, max });
    const delays = config.delays ?? 'sorted-set';
    if (!DELAYS.includes(delays)) {
      throw new ConfigurationError(
        `RedisBroker delays must be 'sorted-set' (the default: tq's sorted set) or 'eta-header' (Celery's way, for queues Python Celery workers consume), got '${delays}'`,
      );
    }
    this.delaysInEtaHeader = delays === 'eta-header';
    this.connection = new RedisConnection(config, logger);
    this.keys = new KeySpace(config.keyPrefix ?? '', this.connection.cluster);
    this.acks = new AckBatcher(this.connection, logger);
    this.pubsub = new RedisPubSub(this.connection);
    this.pidbox = new RedisControlChannel(this.connection, this.pubsub, this.keys, logger);
    this.control = this.pidbox;
    this.events = new RedisEventChannel(this.connection, this.pubsub, this.keys, logger);
    this.capabilities = {
      // Held by Redis in a sorted set, promoted atomically by the claim script: no worker memory, no hop limit.
      // eta-header: held by the consuming worker, which honours an eta of any length (no hops).
      delay: { maxDelayMs: Number.MAX_SAFE_INTEGER, emulated: this.delaysInEtaHeader },
      priority: { levels: PRIORITY_LEVELS },
      ack: 'per-message',
      visibilityTimeout: true,
      extendVisibility: true,
      deadLetter: true,
      // Priorities, competing consumers and redelivery all reorder.
      ordering: 'none',
      broadcast: true,
      events: true,
      batchPublish: true,
      // A body limit: the envelope around it (base64, headers) stays far below Redis' 512 MB strings.
      // Redis strings hold 512 MB; the base64 envelope is about 4/3 of the body.
      maxMessageBytes: positive('maxMessageBytes', DEFAULT_MAX_MESSAGE_BYTES, true, MAX_BODY_BYTES),
    };
    this.context = {
      connection: this.connection,
      keys: this.keys,
      acks: this.acks,
      visibilityTimeoutMs: positive('visibilityTimeoutMs', DEFAULT_VISIBILITY_TIMEOUT_MS),
      pollIntervalMs: positive('pollIntervalMs', DEFAULT_POLL_INTERVAL_MS),
      claimBatchSize: positive('claimBatchSize', DEFAULT_CLAIM_BATCH_SIZE, true),
      deadLetterLimit: positive('deadLetterLimit', DEFAULT_DEAD_LETTER_LIMIT, true),
      uniqueId: () => `${this.idPrefix}${(this.sequence++).toString(36)}`,
      ring: (queue) => this.ring(queue),
      logger,
    };
  }

  connect(): Promise<void> {
    return this.connection.connect();
  }

  /** Stops consumers, waits for pending acks (unless `force`), closes the connections tq created. */
  async close(options: { force?: boolean } = {}): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
    if (!options.force) await this.acks.drain();
    await this.pidbox.close();
    this.pubsub.close();
    await this.connection.close(options.force);
  }

  /**
   * Standalone: a ready message goes to a consumer registered idle on the queue when there is one
   * (claimed for it in the same script, see push.lua), else on its list. Cluster, or delayed: stored,
   * then the doorbell rings. With `delays: 'eta-header'` a delayed message is a ready one.
   *
   * @throws UnsupportedCapabilityError with `delays: 'eta-header'`, for a delay without an eta header
   */
  async publish(queue: string, message: TaskMessage, options: PublishOptions = {}): Promise<void> {
    const encoded = this.encode(queue, message, options);
    if (this.keys.cluster || encoded.delayMs > 0) return this.store([encoded]);
    const keys = this.keys.queue(queue);
    await scripts.push.runNow(
      this.connection.command,
      [keys.ready[encoded.bucket] as string, keys.unacked, keys.unackedIndex, keys.idle, keys.credits],
      [encoded.raw, encoded.bucket, this.context.uniqueId(), this.context.visibilityTimeoutMs, keys.inboxPrefix],
    );
  }

  /** Encodes every message before sending any, then stores them in a few pipelined commands. */
  async publishBatch(messages: readonly OutgoingMessage[]): Promise<void> {
    await this.store(messages.map((m) => this.encode(m.queue, m.message, m.options ?? {})));
  }

  /**
   * Put bytes on a queue as they are (kombu bucket 0 = tq priority 9), without encoding or checks.
   * For tests and tools: this is how a poison message gets in.
   */
  async publishRaw(queue: string, raw: Uint8Array | string): Promise<void> {
    await this.connection.command.lpush(this.keys.queue(queue).ready[0] as string, Buffer.from(raw));
    await this.ring(queue);
  }

  async consume(queues: readonly string[], handler: DeliveryHandler, options: ConsumeOptions): Promise<Subscription> {
    const consumer = new RedisConsumer(this.context, [...queues], handler, options.prefetch, (closed) => this.consumers.delete(closed));
    this.consumers.add(consumer);
    await consumer.start();
    return consumer;
  }

  async purge(queue: string): Promise<number> {
    const keys = this.keys.queue(queue);
    return Number(await scripts.purge.run(this.connection.command, [...keys.ready, keys.delayed, keys.redelivered], []));
  }

  async size(queue: string): Promise<number> {
    const keys = this.keys.queue(queue);
    return Number(await scripts.size.run(this.connection.command, [...keys.ready, keys.delayed], []));
  }

  /** Ready (every priority list), delayed (the sorted set) and dead letters (the dead list), in one round trip. */
  async depth(queue: string): Promise<QueueDepth> {
    const keys = this.keys.queue(queue);
    const pipeline = this.connection.command.pipeline();
    for (const key of keys.ready) pipeline.llen(key);
    pipeline.zcard(keys.delayed).llen(keys.dead);
    const replies = (await pipeline.exec()) ?? [];
    const counts = replies.map(([error, count]) => {
      if (error) throw error;
      return Number(count);
    });
    const dead = counts.pop() ?? 0;
    const delayed = counts.pop() ?? 0;
    return { ready: counts.reduce((sum, n) => sum + n, 0), delayed, deadLetters: dead };
  }

  /**
   * Delete every key of a queue: waiting, delayed, in-flight and dead messages, its doorbell and
   * kombu binding (kombu's `queue_delete`). Consumers of it should be closed first.
   */
  async deleteQueue(queue: string): Promise<void> {
    const client = this.connection.command;
    const keys = this.keys.queue(queue);
    // Separate commands: in a cluster the doorbell and the binding live in other slots.
    await Promise.all([
      client.del(...keys.settleKeys),
      client.del(keys.marker),
      this.keys.cluster ? undefined : client.del(keys.idle, keys.credits),
      this.keys.cluster ? undefined : client.del(this.keys.binding(queue)),
    ]);
  }

  async deadLetters(queue: string, limit = Number.POSITIVE_INFINITY): Promise<DeadLetter[]> {
    const stop = Number.isFinite(limit) ? Math.max(0, limit) - 1 : -1;
    if (stop < -1 || limit === 0) return [];
    const entries = await this.connection.command.lrangeBuffer(this.keys.queue(queue).dead, 0, stop);
    return entries.map((entry) => {
      const newline = entry.indexOf(10);
      const header = JSON.parse(entry.subarray(0, newline).toString('utf8')) as { reason: string; queue: string };
      return { raw: new Uint8Array(entry.subarray(newline + 1)), reason: header.reason, queue: header.queue };
    });
  }

  /** Whether consumption works: the connection is up and every consumer reached Redis recently. */
  health(): RedisBrokerHealth {
    const consumers = [...this.consumers].map((consumer) => consumer.health());
    const staleAfterMs = 3 * this.context.pollIntervalMs + 2000;
    const status = this.connection.status;
    return {
      healthy: status === 'ready' && consumers.every((c) => c.lastContactMsAgo < staleAfterMs),
      status,
      consumers,
      lastError: this.connection.lastError?.message,
    };
  }

  private encode(queue: string, message: TaskMessage, options: PublishOptions): Encoded {
    const bucket = kombuPriorityOf(options.priority ?? message.properties.priority);
    // The envelope carries kombu's priority, so a Python restore puts it back in the same bucket.
    const raw = toEnvelope({ ...message, properties: { ...message.properties, priority: bucket } }, { queue });
    return { queue, bucket, raw, delayMs: this.delayMsOf(message, options) };
  }

  /** How long the message waits in the sorted set: with `delays: 'eta-header'` never (its eta header holds it). */
  private delayMsOf(message: TaskMessage, options: PublishOptions): number {
    const delayMs = Math.max(0, Math.round(options.delayMs ?? 0));
    if (delayMs === 0 || !this.delaysInEtaHeader) return delayMs;
    // An app always writes the eta with the delay; only a direct publish can lack it, and would run at once.
    if (!message.headers.eta) {
      throw new UnsupportedCapabilityError(
        'delay',
        `RedisBroker with delays 'eta-header' delays a message by its eta header, and ${message.headers.id} (${message.headers.task}) has none: set it (createTaskMessage({ eta })) or send through an app`,
      );
    }
    return 0;
  }

  private async store(messages: readonly Encoded[]): Promise<void> {
    const client = this.connection.command;
    const ready = new Map<string, string[]>();
    const delayed = new Map<string, (string | number)[]>();
    const queues = new Set<string>();
    for (const m of messages) {
      const keys = this.keys.queue(m.queue);
      queues.add(m.queue);
      if (m.delayMs > 0) {
        const args = delayed.get(keys.delayed) ?? [];
        args.push(m.delayMs, `${this.context.uniqueId()}|${m.bucket}|0|${m.raw}`);
        delayed.set(keys.delayed, args);
      } else {
        const key = keys.ready[m.bucket] as string;
        const raws = ready.get(key) ?? [];
        raws.push(m.raw);
        ready.set(key, raws);
      }
    }
    const writes: Promise<unknown>[] = [];
    for (const [key, raws] of ready) {
      for (let i = 0; i < raws.length; i += PUSH_CHUNK) writes.push(client.lpush(key, ...raws.slice(i, i + PUSH_CHUNK)));
    }
    for (const [key, args] of delayed) {
      for (let i = 0; i < args.length; i += 2 * PUSH_CHUNK)
        writes.push(scripts.delay.run(client, [key], args.slice(i, i + 2 * PUSH_CHUNK)));
    }
    // Standalone: one connection, so the doorbell cannot overtake the push. Cluster: the doorbell
    // lives on another node, so ring only once the messages are stored.
    if (this.keys.cluster) await Promise.all(writes);
    await Promise.all([...writes, ...[...queues].map((queue) => this.ring(queue))]);
  }

  /** Wake a consumer of `queue`: standalone, one registered idle (ring.lua); cluster, the doorbell. */
  private async ring(queue: string): Promise<void> {
    const keys = this.keys.queue(queue);
    if (this.keys.cluster) await this.connection.command.zadd(keys.marker, 0, 'ring');
    else await scripts.ring.run(this.connection.command, [keys.idle, keys.credits], [keys.inboxPrefix, this.context.visibilityTimeoutMs]);
  }
}
