import { randomUUID } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { defaultLogger, type Logger, tlsFailure } from '@tq/core';
import {
  type Admin,
  AssignerProtocol,
  type Consumer,
  type IHeaders,
  Kafka,
  type KafkaConfig,
  logLevel as KafkaLogLevel,
  type logCreator,
  type PartitionAssigner,
  Partitioners,
  type Producer,
} from 'kafkajs';
import type {
  CommittedOffset,
  GroupAssignor,
  GroupConsumer,
  GroupConsumerHandlers,
  GroupConsumerOptions,
  IncomingRecord,
  KafkaClient,
  OutgoingRecord,
  PartitionBounds,
  TailHandlers,
  TopicSpec,
  TopicTail,
} from './kafka-client.js';
import { KafkajsTail } from './kafkajs-tail.js';
import { leaveGroupAs } from './leave-group-as.js';
import { tlsReportingSocketFactory } from './tls-reporting-socket-factory.js';
import { toIncoming } from './to-incoming.js';

/** kafkajs log levels by name. */
export type KafkajsLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

/** Options of {@link KafkajsClient}. */
export interface KafkajsClientOptions {
  /** `host:port` seeds. */
  brokers: readonly string[];
  clientId?: string;
  /** Where kafkajs's own log goes (the broker passes the app's logger). Default `defaultLogger()`. */
  logger?: Logger;
  /**
   * The least severe kafkajs entries passed to `logger`. Default `warn`. kafkajs logs retries it
   * recovers from (a rebalance, a reconnect) as errors, so its errors and warnings both arrive at
   * `warn`, with the broker's host:port where kafkajs names it; `nothing` silences kafkajs.
   */
  logLevel?: KafkajsLogLevel;
  /**
   * Connect to the brokers' TLS (SSL) listener with these options (`ca`, `cert`, `key`,
   * `servername`, `rejectUnauthorized`; `{}` for Node's public CAs). A handshake that fails on the
   * certificate fails `connect()` at once with a `ConfigurationError` naming it, instead of kafkajs
   * retrying it for seconds. Default: plain text.
   */
  tls?: ConnectionOptions;
  /** Anything else for `new Kafka(...)` (sasl, retry, connectionTimeout, ...). */
  kafkaConfig?: Partial<KafkaConfig>;
}

/** What a TLS handshake failure's message tells a Kafka user to do. */
const TLS_ADVICE = {
  trust: "pass the CA with the 'tls: { ca }' option or the URL's ?tlsCaFile=/path/to/ca.pem",
  plain: 'Leave TLS off (no tls=true) for a plain-text listener.',
};

const LOG_LEVELS: Record<KafkajsLogLevel, KafkaLogLevel> = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

/** {@link KafkaClient} on kafkajs 2.2.4 (speaks Kafka 3.x and 4.x: it negotiates API versions). */
export class KafkajsClient implements KafkaClient {
  readonly kafka: Kafka;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private connecting: Promise<void> | undefined;
  private readonly consumers = new Set<KafkajsGroupConsumer>();
  private readonly tails = new Set<TopicTail>();
  /** Set while `connect()` runs: fails it on a TLS handshake failure (see {@link tlsReportingSocketFactory}). */
  private handshakeFailed: ((error: Error) => void) | undefined;

  constructor(options: KafkajsClientOptions) {
    const tls = options.tls
      ? {
          ssl: options.tls,
          socketFactory: tlsReportingSocketFactory((error, address) => {
            const failure = tlsFailure(error, address, TLS_ADVICE);
            if (failure) this.handshakeFailed?.(failure);
          }),
        }
      : {};
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'tq',
      brokers: [...options.brokers],
      logLevel: LOG_LEVELS[options.logLevel ?? 'warn'],
      logCreator: toLogger(options.logger ?? defaultLogger()),
      ...tls,
      ...options.kafkaConfig,
    });
  }

  connect(): Promise<void> {
    this.connecting ??= (async () => {
      const admin = this.kafka.admin();
      const producer = this.kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
      });
      const connected = Promise.all([admin.connect(), producer.connect()]);
      const handshake = new Promise<never>((_, reject) => {
        this.handshakeFailed = reject;
      });
      // Whichever loses the race is settled later, by nobody.
      connected.catch(() => {});
      handshake.catch(() => {});
      try {
        await Promise.race([connected, handshake]);
      } catch (error) {
        await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
        throw error;
      } finally {
        this.handshakeFailed = undefined;
      }
      this.admin = admin;
      this.producer = producer;
    })().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    await connecting?.catch(() => {});
    await Promise.allSettled([...this.consumers, ...this.tails].map((reader) => reader.stop()));
    await Promise.allSettled([this.admin?.disconnect(), this.producer?.disconnect()]);
    this.admin = undefined;
    this.producer = undefined;
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    const admin = this.live().admin;
    // Not kafkajs's waitForLeaders: it gives up on KRaft's UNKNOWN_TOPIC_OR_PARTITION while the
    // new topic propagates to the broker's metadata cache.
    await admin.createTopics({
      waitForLeaders: false,
      topics: topics.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: t.replicationFactor,
        configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    // Wait for every leader ourselves (also for topics another process created a moment ago).
    const names = topics.map((t) => t.name);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const metadata = await admin.fetchTopicMetadata({ topics: names }).catch(() => undefined);
      const led =
        metadata?.topics.length === names.length &&
        metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      // A leader in the metadata may not serve yet (NOT_LEADER_OR_FOLLOWER): ask each for its offsets.
      const serving =
        led &&
        (await Promise.all(names.map((topic) => admin.fetchTopicOffsets(topic))).then(
          () => true,
          () => false,
        ));
      if (serving) return;
      if (Date.now() > deadline) throw new Error(`Kafka topics ${names.join(', ')} have no leaders after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    const admin = this.live().admin;
    const existing = new Set(await admin.listTopics());
    const topics = names.filter((name) => existing.has(name));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  }

  async produce(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, { key: Buffer | null; value: Buffer; headers?: IHeaders }[]>();
    for (const record of records) {
      const messages = byTopic.get(record.topic) ?? [];
      byTopic.set(record.topic, messages);
      messages.push({ key: record.key, value: record.value, ...(record.headers ? { headers: record.headers } : {}) });
    }
    await this.live().producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async bounds(topic: string): Promise<PartitionBounds[]> {
    const offsets = await retrying(() => this.live().admin.fetchTopicOffsets(topic));
    return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }));
  }

  async committed(groupId: string, topic: string): Promise<CommittedOffset[]> {
    const [result] = await retrying(() => this.live().admin.fetchOffsets({ groupId, topics: [topic] }));
    return (result?.partitions ?? []).map((p) => ({ partition: p.partition, offset: Number(p.offset), metadata: p.metadata }));
  }

  async deleteRecords(topic: string, offsets: readonly { partition: number; offset: number }[]): Promise<void> {
    const partitions = offsets.map((o) => ({ partition: o.partition, offset: String(o.offset) }));
    if (partitions.length > 0) await retrying(() => this.live().admin.deleteTopicRecords({ topic, partitions }));
  }

  /** A throwaway group reads from the start up to the high watermarks seen when called, then is deleted. */
  async read(topic: string, limit: number): Promise<IncomingRecord[]> {
    const bounds = (await this.bounds(topic)).filter((b) => b.high > b.low);
    if (bounds.length === 0 || limit <= 0) return [];
    const groupId = `tq-read-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    const records: { partition: number; record: IncomingRecord }[] = [];
    const remaining = new Map(bounds.map((b) => [b.partition, b.high]));
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (Number(message.offset) < (remaining.get(batch.partition) ?? 0)) {
              records.push({ partition: batch.partition, record: toIncoming(message) });
            }
          }
          const next = Number(batch.lastOffset()) + 1;
          if (next >= (remaining.get(batch.partition) ?? 0)) remaining.delete(batch.partition);
          if (remaining.size === 0 || records.length >= limit) done();
        },
      });
      const timeout = setTimeout(done, 30_000);
      await finished;
      clearTimeout(timeout);
    } finally {
      await consumer.disconnect().catch(() => {});
      await this.live()
        .admin.deleteGroups([groupId])
        .catch(() => {});
    }
    // Oldest first across partitions is not defined by Kafka; partition then offset is stable.
    records.sort((a, b) => a.partition - b.partition || a.record.offset - b.record.offset);
    return records.slice(0, limit).map((r) => r.record);
  }

  async tail(topic: string, handlers: TailHandlers, options: { maxWaitMs: number }): Promise<TopicTail> {
    const tail = await KafkajsTail.start(this.kafka, topic, handlers, options);
    this.tails.add(tail);
    return {
      stop: async () => {
        this.tails.delete(tail);
        await tail.stop();
      },
    };
  }

  groupConsumer(options: GroupConsumerOptions): GroupConsumer {
    const consumer = new KafkajsGroupConsumer(this.kafka, options, (c) => this.consumers.delete(c));
    this.consumers.add(consumer);
    return consumer;
  }

  private live(): { admin: Admin; producer: Producer } {
    if (!this.admin || !this.producer) throw new Error('The Kafka client is not connected');
    return { admin: this.admin, producer: this.producer };
  }
}

class KafkajsGroupConsumer implements GroupConsumer {
  private consumer: Consumer;
  private handlers: GroupConsumerHandlers | undefined;
  private stopping: Promise<void> | undefined;
  private restarting: Promise<void> | undefined;
  private allPaused = false;
  /** This member's id in its group, once joined; a crashed member's is evicted. */
  private memberId: string | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: GroupConsumerOptions,
    private readonly onStopped: (consumer: KafkajsGroupConsumer) => void,
  ) {
    this.consumer = this.build();
  }

  async start(handlers: GroupConsumerHandlers): Promise<void> {
    this.handlers = handlers;
    await this.run(this.consumer);
  }

  pause(topic: string, partition: number): void {
    this.safely(() => this.consumer.pause([{ topic, partitions: [partition] }]));
  }

  resume(topic: string, partition: number): void {
    if (this.allPaused) return;
    this.safely(() => this.consumer.resume([{ topic, partitions: [partition] }]));
  }

  pauseAll(): void {
    this.allPaused = true;
    this.safely(() => this.consumer.pause(this.options.topics.map((topic) => ({ topic }))));
  }

  async commit(offsets: readonly { topic: string; partition: number; offset: number; metadata: string }[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.consumer.commitOffsets(
      offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset), metadata: o.metadata })),
    );
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.restarting?.catch(() => {});
      await this.consumer.disconnect().catch(() => {});
      this.onStopped(this);
    })();
    return this.stopping;
  }

  private build(): Consumer {
    const { options } = this;
    return this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      maxWaitTimeInMs: options.maxWaitMs,
      maxBytesPerPartition: options.maxBytesPerPartition,
      allowAutoTopicCreation: false,
      partitionAssigners: [kafkajsAssigner(options.assignor)],
    });
  }

  private async run(consumer: Consumer): Promise<void> {
    const handlers = this.handlers as GroupConsumerHandlers;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      if (consumer !== this.consumer) return;
      this.memberId = event.payload.memberId;
      const assignment = new Map<string, readonly number[]>(Object.entries(event.payload.memberAssignment));
      handlers.onAssigned(assignment);
      if (this.allPaused) this.pauseAll();
    });
    consumer.on(consumer.events.REBALANCING, () => {
      if (consumer === this.consumer) handlers.onRevoking();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (consumer !== this.consumer) return;
      const error = event.payload.error;
      handlers.onError(error instanceof Error ? error : new Error(String(error)));
      // Whoever replaces this member (kafkajs itself, or restart() below) joins as a new one.
      if (this.memberId && !this.stopping) void this.evict(this.memberId);
      this.memberId = undefined;
      // kafkajs restarts by itself after retriable errors only; "Failed to find group
      // coordinator" (a broker restarting) is not one of them. Start a new member then.
      if (!event.payload.restart && !this.stopping) this.restarting ??= this.restart().finally(() => (this.restarting = undefined));
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch }) => {
        if (batch.messages.length === 0 || consumer !== this.consumer) return;
        await handlers.onRecords(batch.topic, batch.partition, batch.messages.map(toIncoming));
      },
    });
  }

  /**
   * Makes the group forget a crashed member (see {@link leaveGroupAs}), retrying while the broker is
   * unreachable, for at most a session timeout (by then the group has dropped it anyway). A pending
   * join of the replacement completes the moment it has left.
   */
  private async evict(memberId: string): Promise<void> {
    const { groupId, sessionTimeoutMs } = this.options;
    const deadline = Date.now() + sessionTimeoutMs;
    for (let attempt = 0; !this.stopping && Date.now() < deadline; attempt++) {
      try {
        await leaveGroupAs(this.kafka, groupId, memberId);
        return;
      } catch (error) {
        if ((error as { type?: string }).type === 'UNKNOWN_MEMBER_ID') return; // it left, or expired
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * 2 ** attempt)));
      }
    }
  }

  /** Replace a crashed kafkajs consumer with a new one, retrying with backoff until stopped. */
  private async restart(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      await this.consumer.disconnect().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)));
      if (this.stopping) return;
      this.consumer = this.build();
      try {
        await this.run(this.consumer);
        return;
      } catch (error) {
        this.handlers?.onError(error as Error);
      }
    }
  }

  /** kafkajs throws on pause/resume while its consumer is between runs; the next join re-applies pauses. */
  private safely(action: () => void): void {
    try {
      action();
    } catch {
      // not running right now
    }
  }
}

/** Plugs a {@link GroupAssignor} into kafkajs's assigner protocol. */
function kafkajsAssigner(assignor: GroupAssignor): PartitionAssigner {
  return ({ cluster }) => ({
    name: assignor.name,
    version: 1,
    async assign({ members, topics }) {
      const memberList = members.map((m) => ({
        memberId: m.memberId,
        userData: m.memberMetadata ? (AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData ?? null) : null,
      }));
      const topicList = topics.map((topic) => ({
        topic,
        partitions: cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId),
      }));
      const assignment = assignor.assign(memberList, topicList);
      return members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: assignment.get(memberId) ?? {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: assignor.name,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: assignor.userData() }),
      };
    },
  });
}

/** kafkajs's log entries to a pino logger: errors and warnings at `warn` (see `logLevel`), the rest at their level. */
function toLogger(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _kafkajs, ...fields } = log;
      const at = level <= KafkaLogLevel.WARN ? 'warn' : level === KafkaLogLevel.INFO ? 'info' : 'debug';
      logger[at]({ kafkajs: namespace, ...fields }, message);
    };
}

/** Retries what Kafka says is retriable (a leader moving, metadata propagating), for up to ~5 s. */
async function retrying<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, 25 * 2 ** attempt)));
    }
  }
}
