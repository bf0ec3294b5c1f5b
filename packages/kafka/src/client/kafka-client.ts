/**
 * The narrow Kafka client the transport is written against. Nothing outside `src/client/` knows
 * which Kafka library is underneath: `kafkajs-client.ts` implements this with kafkajs 2.2.4, and
 * another library (`@platformatic/kafka`, say) replaces it by implementing these two interfaces
 * (see docs/transports/kafka.md, "Replacing kafkajs").
 *
 * Offsets are JS numbers: exact up to 2^53, which no real partition reaches.
 */

/** A topic the transport needs, created if missing. */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** `-1`: the broker's `default.replication.factor`. */
  replicationFactor: number;
  /** Topic configs, e.g. `{ 'max.message.bytes': '1100000' }`. */
  config?: Record<string, string>;
}

/** A record to produce. */
export interface OutgoingRecord {
  topic: string;
  /** The partitioner hashes the key (murmur2, like the Java client); `null`: spread over partitions. */
  key: Buffer | null;
  value: Buffer;
  headers?: Record<string, string>;
}

/** A record as fetched. */
export interface IncomingRecord {
  offset: number;
  key: Buffer | null;
  value: Buffer;
  /** Header values as UTF-8 text (the transport only writes text headers). */
  headers: Record<string, string>;
  /** Broker or producer timestamp, epoch ms. */
  timestamp: number;
}

/** A partition's log bounds: `low` = first offset kept, `high` = next offset to be written. */
export interface PartitionBounds {
  partition: number;
  low: number;
  high: number;
}

/** A group's committed position on one partition; `offset` -1 when the group never committed. */
export interface CommittedOffset {
  partition: number;
  offset: number;
  metadata: string | null;
}

/** What a consumer group member is told and asked. */
export interface GroupConsumerHandlers {
  /**
   * A new assignment (after every join, including rejoins): the complete list of partitions this
   * member owns from now on. Called before any batch of the new generation.
   */
  onAssigned(assignment: ReadonlyMap<string, readonly number[]>): void;
  /**
   * The member is about to rejoin (a rebalance began): some of its partitions may move, so the
   * transport starts nothing new until the next `onAssigned`. Clients that cannot tell may skip it
   * (more in-flight work then runs twice when a partition moves).
   */
  onRevoking(): void;
  /**
   * Fetched records of one partition, in offset order. The client moves its fetch position past
   * them once this returns, so the transport must keep what it wants (it does: in its window).
   */
  onRecords(topic: string, partition: number, records: IncomingRecord[]): Promise<void> | void;
  /** A failure the client could not recover from by itself (it keeps retrying where it can). */
  onError(error: Error): void;
}

/** Options of a consumer group member. */
export interface GroupConsumerOptions {
  groupId: string;
  topics: readonly string[];
  /** A member silent this long is presumed dead and its partitions move. */
  sessionTimeoutMs: number;
  /** How long a rebalance waits for members to rejoin. */
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Longest fetch long-poll (also how often paused members heartbeat). */
  maxWaitMs: number;
  /** Largest fetch per partition. */
  maxBytesPerPartition: number;
  /** The group's partition assignment, computed by the leader (see sticky-assignment.ts). */
  assignor: GroupAssignor;
}

/**
 * A client-side partition assignor (Kafka's classic group protocol lets the leader assign).
 * Clients that cannot plug one in fall back to their default and lose only stickiness.
 */
export interface GroupAssignor {
  /** Protocol name, the same for every member of the group. */
  readonly name: string;
  /** This member's user data for its JoinGroup (called at each join). */
  userData(): Buffer;
  /** On the leader: partitions by member and topic, from every member's user data. */
  assign(
    members: readonly { memberId: string; userData: Buffer | null }[],
    topics: readonly { topic: string; partitions: readonly number[] }[],
  ): Map<string, Record<string, number[]>>;
}

/** One member of a consumer group, reading from the group's committed offsets (earliest if none). */
export interface GroupConsumer {
  /** Connect, join the group and start fetching; resolves once the first assignment is in. */
  start(handlers: GroupConsumerHandlers): Promise<void>;
  /** Stop fetching a partition (records of a fetch already under way are dropped, not delivered). */
  pause(topic: string, partition: number): void;
  /** Fetch a paused partition again, from where the transport last took records. */
  resume(topic: string, partition: number): void;
  /** Stop fetching everything, including partitions assigned later. */
  pauseAll(): void;
  /** Commit positions (next offset to read) with metadata, in the member's current generation. */
  commit(offsets: readonly { topic: string; partition: number; offset: number; metadata: string }[]): Promise<void>;
  /** Leave the group and disconnect (idempotent). */
  stop(): Promise<void>;
}

/** What a {@link TopicTail} hands over. */
export interface TailHandlers {
  /** New records of one partition, in offset order. A throw is the handler's own business: it is ignored. */
  onRecords(partition: number, records: IncomingRecord[]): void;
  /** A fetch failed; the tail retries by itself (with backoff) until stopped. */
  onError(error: Error): void;
}

/** A running {@link KafkaClient.tail}. */
export interface TopicTail {
  /** Stop reading and close its connections (idempotent). */
  stop(): Promise<void>;
}

/** The client: admin, producer, and a factory of group members. */
export interface KafkaClient {
  /** Connect (idempotent). */
  connect(): Promise<void>;
  /** Disconnect everything it opened (idempotent). */
  disconnect(): Promise<void>;
  /** Create the topics that do not exist yet, then wait until every partition has a leader. */
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** Delete topics (missing ones are ignored). */
  deleteTopics(names: readonly string[]): Promise<void>;
  /** Produce, acknowledged by all in-sync replicas. One request for the lot where possible. */
  produce(records: readonly OutgoingRecord[]): Promise<void>;
  /** Log bounds of every partition of a topic. */
  bounds(topic: string): Promise<PartitionBounds[]>;
  /** A group's committed offsets (with metadata) on every partition of a topic. */
  committed(groupId: string, topic: string): Promise<CommittedOffset[]>;
  /** Delete records below `offset` (Kafka DeleteRecords: the log start moves there). */
  deleteRecords(topic: string, offsets: readonly { partition: number; offset: number }[]): Promise<void>;
  /** Read up to `limit` records of a topic from its start, without a lasting consumer group. */
  read(topic: string, limit: number): Promise<IncomingRecord[]>;
  /**
   * Read what is written to `topic` from now on: every partition from its end as it was when this
   * resolves, without a consumer group, so a stopped or killed reader leaves no state on the
   * broker. A reader that falls behind the topic's retention skips to the end.
   */
  tail(topic: string, handlers: TailHandlers, options: { maxWaitMs: number }): Promise<TopicTail>;
  /** A new, unstarted group member. */
  groupConsumer(options: GroupConsumerOptions): GroupConsumer;
}
