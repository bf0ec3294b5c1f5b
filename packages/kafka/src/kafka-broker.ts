import {
  type Broker,
  type BrokerCapabilities,
  BrokerConnectionError,
  ConfigurationError,
  type ConsumeOptions,
  type ControlChannel,
  type DeadLetter,
  type DeliveryHandler,
  defaultLogger,
  type EventChannel,
  type Logger,
  type OutgoingMessage,
  type PublishOptions,
  positiveNumber,
  type QueueDepth,
  type Subscription,
  type TaskMessage,
  TqError,
  toEnvelope,
} from '@tq/core';
import type { KafkaClient, OutgoingRecord, TopicSpec } from './client/kafka-client.js';
import { KafkajsClient } from './client/kafkajs-client.js';
import { type KafkaBrokerConfig, maxRecordBytes, type ResolvedKafkaBrokerConfig } from './kafka-broker-config.js';
import { KafkaControlChannel } from './kafka-control-channel.js';
import { KafkaEventChannel } from './kafka-event-channel.js';
import { KafkaSubscription, type SubscriptionContext } from './kafka-subscription.js';
import { PlaneContext } from './plane-context.js';
import { produceRequests } from './produce-requests.js';
import { HEADER } from './record-headers.js';
import { type QueueTopics, queueTopics, tierFor } from './topics.js';

const DEFAULTS: Omit<ResolvedKafkaBrokerConfig, 'client' | 'kafkajs' | 'logger'> = {
  brokers: ['127.0.0.1:9092'],
  groupPrefix: 'tq.',
  partitions: 6,
  replicationFactor: -1,
  delayTiersMs: [1000, 60_000, 3_600_000],
  visibilityTimeoutMs: 60_000,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3000,
  rebalanceTimeoutMs: 60_000,
  maxWaitMs: 250,
  maxUncommitted: 1000,
  maxMessageBytes: 750_000,
};

/** Positive settings, and which of them are counts (whole numbers). */
const POSITIVE = {
  partitions: true,
  visibilityTimeoutMs: false,
  sessionTimeoutMs: false,
  heartbeatIntervalMs: false,
  rebalanceTimeoutMs: false,
  maxWaitMs: false,
  maxUncommitted: true,
  maxMessageBytes: true,
} as const;

/**
 * The `kafka://` broker. A queue is a topic (`<queue>`, created with the configured partitions
 * and replication, never auto-created), consumed by the consumer group `<groupPrefix><queue>`;
 * partitions spread the work over the group's members.
 *
 * Kafka acknowledges cumulatively (a committed offset covers everything before it), so each
 * owned partition keeps a window of fetched records: tasks of one partition run concurrently up
 * to the worker's prefetch, complete in any order, and the committed offset only moves to the
 * first unfinished one; finished records above it ride in the commit metadata so a new owner
 * skips them. A killed worker's unfinished records go to another member after the rebalance.
 *
 * Records with the same `orderingKey` (the Kafka key, hence one partition) never run at the same
 * time: per-key order holds even with per-partition concurrency. Delays use one topic per delay
 * tier and queue (`<queue>.tq-delay-<tier>`): their consumer holds due records in memory,
 * uncommitted, and forwards them to the queue topic when due. Dead letters go to `<queue>.tq-dead`
 * with the reason in record headers. No priorities. Remote control and events use three
 * single-partition topics of their own, read from their end without consumer groups (ADR 0026).
 *
 * Core's runtime wraps it (connect/close once, publish and consume checks, logging): this class
 * moves records. Its `close()` runs only after a successful `connect()`.
 */
export class KafkaBroker implements Broker {
  readonly capabilities: BrokerCapabilities;
  readonly messagingSystem = 'kafka';
  /** Remote control on the topics `tq.pidbox` and `tq.pidbox.reply` (ADR 0026). */
  readonly control: ControlChannel;
  /** Events on the topic `tq.celeryev` (ADR 0026). */
  readonly events: EventChannel;
  /** The seed brokers, for errors. */
  get address(): string {
    return this.config.brokers.join(',');
  }
  private readonly config: ResolvedKafkaBrokerConfig;
  private readonly client: KafkaClient;
  private readonly logger: Logger;
  private readonly ensured = new Map<string, Promise<QueueTopics>>();
  private readonly subscriptions = new Set<KafkaSubscription>();
  private outbox: { records: OutgoingRecord[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private outboxScheduled = false;
  private readonly sending = new Set<Promise<void>>();
  private readonly planes: PlaneContext;

  constructor(config: KafkaBrokerConfig = {}) {
    this.config = resolveConfig(config);
    this.logger = this.config.logger.child({ transport: 'kafka', brokers: this.config.brokers.join(',') });
    // No I/O: kafkajs connects in connect().
    const tls = this.config.tls ? { tls: this.config.tls } : {};
    this.client = config.client ?? new KafkajsClient({ ...this.config.kafkajs, ...tls, brokers: this.config.brokers, logger: this.logger });
    const tiers = this.config.delayTiersMs;
    this.capabilities = {
      // Tiered delay topics: emulated on a log that has no delayed delivery of its own.
      delay: { maxDelayMs: tiers[tiers.length - 1] as number, emulated: true },
      priority: false,
      ack: 'cumulative',
      // A dead member's partitions (and so its unfinished records) move after the session
      // timeout; a closed subscription hands them back after at most visibilityTimeoutMs.
      visibilityTimeout: true,
      // Liveness is per member (heartbeats), not per message: running tasks never expire.
      extendVisibility: false,
      deadLetter: true,
      ordering: 'per-key',
      broadcast: true,
      events: true,
      batchPublish: true,
      maxMessageBytes: this.config.maxMessageBytes,
    };
    this.planes = new PlaneContext({
      client: this.client,
      send: (records) => this.send(records),
      replicationFactor: this.config.replicationFactor,
      maxWaitMs: this.config.maxWaitMs,
      report: (error, what) => this.logger.warn({ err: error }, `${what}: ${error.message}`),
    });
    this.control = new KafkaControlChannel(this.planes);
    this.events = new KafkaEventChannel(this.planes);
  }

  async connect(): Promise<void> {
    try {
      await this.client.connect();
    } catch (cause) {
      if (TqError.is(cause)) throw cause; // a TLS handshake failure, named by the client
      throw new BrokerConnectionError(`Cannot connect to Kafka at ${this.config.brokers.join(',')}: ${(cause as Error).message}`, {
        cause,
      });
    }
  }

  async close(options: { force?: boolean } = {}): Promise<void> {
    const subscriptions = [...this.subscriptions];
    await this.planes.close();
    if (options.force) {
      await Promise.all(subscriptions.map((s) => withTimeout(s.stop(), 5000)));
    } else {
      await Promise.all(subscriptions.map((s) => s.close()));
      await Promise.all(subscriptions.map((s) => s.stopped()));
      await Promise.allSettled([...this.sending]);
    }
    this.ensured.clear();
    if (!this.config.client) await this.client.disconnect();
  }

  async publish(queue: string, message: TaskMessage, options: PublishOptions = {}): Promise<void> {
    const record = this.encode(queue, message, options);
    await this.topics(queue);
    await this.send([record]);
  }

  /** One produce request for the lot. */
  async publishBatch(messages: readonly OutgoingMessage[]): Promise<void> {
    const records = messages.map((m) => this.encode(m.queue, m.message, m.options ?? {}));
    await Promise.all([...new Set(messages.map((m) => m.queue))].map((queue) => this.topics(queue)));
    await this.send(records);
  }

  /**
   * Put bytes on a queue as they are, without encoding or checks. For tests and tools: this is how
   * a poison message (one that does not decode) gets in.
   */
  async publishRaw(queue: string, raw: Uint8Array | string, options: { orderingKey?: string } = {}): Promise<void> {
    const value = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw);
    const topics = await this.topics(queue);
    await this.send([{ topic: topics.main, key: keyOf(options.orderingKey), value }]);
  }

  async consume(queues: readonly string[], handler: DeliveryHandler, options: ConsumeOptions): Promise<Subscription> {
    const topics = await Promise.all([...new Set(queues)].map((queue) => this.topics(queue)));
    const subscription = new KafkaSubscription(topics, handler, options.prefetch, this.context());
    this.subscriptions.add(subscription);
    await subscription.start();
    return subscription;
  }

  /**
   * Waiting records: per partition of the queue topic and its delay topics, those past the
   * group's committed offset, less the ones this process holds running or done-uncommitted.
   * Records other processes are running count as waiting (they cannot be seen from here).
   */
  async size(queue: string): Promise<number> {
    return (await this.census(queue)).total;
  }

  /** Ready: the queue topic's waiting records; delayed: its delay topics'; dead letters: the dead topic's records. */
  async depth(queue: string): Promise<QueueDepth> {
    await this.drainSends(); // count this process's own dead-letter writes
    const [census, dead] = await Promise.all([this.census(queue), this.topics(queue).then((topics) => this.client.bounds(topics.dead))]);
    return {
      ready: census.ready,
      delayed: census.total - census.ready,
      deadLetters: dead.reduce((sum, { low, high }) => sum + Math.max(0, high - low), 0),
    };
  }

  /**
   * Deletes every record of the queue topic and its delay topics (Kafka DeleteRecords up to the
   * high watermarks) and drops what this process fetched but had not started. Other processes'
   * workers still run what they had already fetched (at most their window each).
   */
  async purge(queue: string): Promise<number> {
    const census = await this.census(queue);
    for (const subscription of this.subscriptions) {
      for (const consumer of subscription.consumers) if (consumer.topics.queue === queue) consumer.dropWaiting();
    }
    await Promise.all(
      census.bounds.map(({ topic, highs }) =>
        this.client.deleteRecords(
          topic,
          highs.filter((h) => h.high > 0).map((h) => ({ partition: h.partition, offset: h.high })),
        ),
      ),
    );
    return census.total;
  }

  /** Reads the dead-letter topic from its start (a throwaway consumer group; an admin tool, not a hot path). */
  async deadLetters(queue: string, limit = Number.POSITIVE_INFINITY): Promise<DeadLetter[]> {
    const topics = await this.topics(queue);
    await this.drainSends(); // read this process's own dead-letter writes
    const records = await this.client.read(topics.dead, Number.MAX_SAFE_INTEGER);
    // Oldest first: a topic has no order across partitions, the records' timestamps do.
    records.sort((a, b) => a.timestamp - b.timestamp);
    return records.slice(0, limit).map((record) => ({
      raw: new Uint8Array(record.value),
      reason: record.headers[HEADER.deadReason] ?? '',
      queue: record.headers[HEADER.deadQueue] ?? queue,
    }));
  }

  /** Delete a queue's topics (queue, delay tiers, dead letters) and its consumer group's offsets go with them. */
  async deleteQueue(queue: string): Promise<void> {
    const topics = queueTopics(queue, this.config.delayTiersMs);
    this.ensured.delete(queue);
    await this.client.deleteTopics([topics.main, ...topics.delays.map((d) => d.topic), topics.dead]);
  }

  private async census(
    queue: string,
  ): Promise<{ total: number; ready: number; bounds: { topic: string; highs: { partition: number; high: number }[] }[] }> {
    const topics = await this.topics(queue);
    const client = this.client;
    const groupId = `${this.config.groupPrefix}${queue}`;
    const local = new Map(this.localParts(queue).map((p) => [`${p.window.topic}/${p.window.partition}`, p]));
    let total = 0;
    let ready = 0;
    const bounds = await Promise.all(
      [topics.main, ...topics.delays.map((d) => d.topic)].map(async (topic) => {
        const [partitions, committed] = await Promise.all([client.bounds(topic), client.committed(groupId, topic)]);
        const committedBy = new Map(committed.map((c) => [c.partition, c.offset]));
        const before = total;
        for (const { partition, low, high } of partitions) {
          const part = local.get(`${topic}/${partition}`);
          if (part) {
            const position = Math.max(part.window.position(), low);
            // Main: running ones are in flight. Delay: held ones are still waiting (delayed).
            const taken = part.kind === 'main' ? part.window.count('running') + part.window.count('done') : part.window.count('done');
            total += Math.max(0, high - position - taken);
          } else {
            const offset = committedBy.get(partition) ?? -1;
            total += Math.max(0, high - Math.max(offset, low));
          }
        }
        if (topic === topics.main) ready = total - before;
        return { topic, highs: partitions.map((p) => ({ partition: p.partition, high: p.high })) };
      }),
    );
    return { total, ready, bounds };
  }

  private localParts(queue: string) {
    return [...this.subscriptions].flatMap((s) =>
      s.consumers.filter((c) => c.topics.queue === queue).flatMap((c) => [...c.owned.values()].filter((p) => p.window.alive)),
    );
  }

  private context(): SubscriptionContext {
    return {
      config: this.config,
      client: this.client,
      send: (records) => this.send(records),
      report: (error, what) => this.logger.warn({ err: error }, `${what}: ${error.message}`),
      onStopped: (subscription) => this.subscriptions.delete(subscription),
    };
  }

  /** The queue's topics, created (with leaders) the first time this broker uses the queue. */
  private topics(queue: string): Promise<QueueTopics> {
    let ready = this.ensured.get(queue);
    if (!ready) {
      const topics = queueTopics(queue, this.config.delayTiersMs);
      const { partitions, replicationFactor, maxMessageBytes } = this.config;
      const config = { 'max.message.bytes': String(maxRecordBytes(maxMessageBytes)) };
      const specs: TopicSpec[] = [topics.main, ...topics.delays.map((d) => d.topic), topics.dead].map((name) => ({
        name,
        partitions,
        replicationFactor,
        config,
      }));
      ready = this.client.ensureTopics(specs).then(() => topics);
      this.ensured.set(queue, ready);
      ready.catch(() => this.ensured.delete(queue));
    }
    return ready;
  }

  private encode(queue: string, message: TaskMessage, options: PublishOptions): OutgoingRecord {
    const topics = queueTopics(queue, this.config.delayTiersMs);
    const value = Buffer.from(toEnvelope(message, { queue }), 'utf8');
    const key = keyOf(options.orderingKey);
    const delayMs = options.delayMs ?? 0;
    if (delayMs <= 0) return { topic: topics.main, key, value };
    return {
      topic: tierFor(topics, delayMs),
      key,
      value,
      headers: { [HEADER.dueAt]: String(Date.now() + delayMs), [HEADER.targetQueue]: queue },
    };
  }

  /** Sends of one tick share one produce request. */
  private send(records: OutgoingRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.outbox.push({ records, resolve, reject });
      if (this.outboxScheduled) return;
      this.outboxScheduled = true;
      setImmediate(() => {
        this.outboxScheduled = false;
        const batch = this.outbox;
        this.outbox = [];
        const requests = produceRequests(batch, maxRecordBytes(this.config.maxMessageBytes));
        const produced = requests.map((request) => this.client.produce(request.records));
        const sent = Promise.allSettled(
          batch.map((b, index) =>
            Promise.all(produced.filter((_, r) => requests[r]?.sends.has(index))).then(b.resolve, (error: unknown) =>
              b.reject(new BrokerConnectionError(`Kafka produce failed: ${(error as Error).message}`, { cause: error })),
            ),
          ),
        ).then(() => {});
        this.sending.add(sent);
        void sent.finally(() => this.sending.delete(sent));
      });
    });
  }

  /** Resolves once every send started before the call has been answered. */
  private async drainSends(): Promise<void> {
    while (this.outbox.length > 0 || this.outboxScheduled || this.sending.size > 0) {
      await Promise.allSettled([...this.sending]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

function keyOf(orderingKey: string | undefined): Buffer | null {
  return orderingKey === undefined ? null : Buffer.from(orderingKey, 'utf8');
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function resolveConfig(config: KafkaBrokerConfig): ResolvedKafkaBrokerConfig {
  const resolved = { ...DEFAULTS, logger: config.logger ?? defaultLogger(), ...stripUndefined(config) } as ResolvedKafkaBrokerConfig;
  for (const [name, integer] of Object.entries(POSITIVE) as [keyof typeof POSITIVE, boolean][]) {
    resolved[name] = positiveNumber('KafkaBroker', name, config[name], DEFAULTS[name], { integer });
  }
  const tiers = resolved.delayTiersMs;
  if (tiers.length === 0 || tiers.some((t, i) => !Number.isSafeInteger(t) || t <= 0 || (i > 0 && t <= (tiers[i - 1] as number)))) {
    throw new ConfigurationError(`KafkaBroker delayTiersMs must be increasing positive integers (ms), got [${tiers.join(', ')}]`);
  }
  if (resolved.brokers.length === 0) throw new ConfigurationError('KafkaBroker needs at least one broker address (host:port)');
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
