import type { Kafka } from 'kafkajs';
import { type InternalCluster, type InternalFetchedMessage, internalCluster } from './internal-cluster.js';
import type { TailHandlers, TopicTail } from './kafka-client.js';
import { toIncoming } from './to-incoming.js';

/** Largest fetch per partition: plane messages are small, and Kafka returns one bigger record anyway. */
const MAX_BYTES_PER_PARTITION = 1_048_576;
/** READ_UNCOMMITTED: tq writes no transactions, so nothing is held back. */
const READ_UNCOMMITTED = 0;
/** Errors after which the tail reads the cluster's metadata again (a leader moved, a broker restarted). */
const STALE_METADATA = new Set(['NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION', 'FENCED_LEADER_EPOCH']);

/**
 * {@link TopicTail} on kafkajs: raw Fetch requests to each partition's leader on a cluster of its
 * own (see {@link internalCluster}), because a kafkajs consumer always joins a group, and a group
 * costs a join (plus `group.initial.rebalance.delay.ms`, 3 s by default, for a new one) and leaves
 * state on the broker. A tail's own connections keep its long-polls from delaying anyone else's
 * requests (a broker answers one request per connection at a time).
 */
export class KafkajsTail implements TopicTail {
  private readonly positions = new Map<number, number>();
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly cluster: InternalCluster,
    private readonly topic: string,
    private readonly handlers: TailHandlers,
    private readonly maxWaitMs: number,
  ) {}

  /** Connect, take every partition's end as the start, and begin fetching. */
  static async start(kafka: Kafka, topic: string, handlers: TailHandlers, options: { maxWaitMs: number }): Promise<KafkajsTail> {
    const cluster = internalCluster(kafka);
    if (!cluster) throw new Error('This kafkajs has no internal cluster factory: reading a topic without a group needs kafkajs 2.2');
    const tail = new KafkajsTail(cluster, topic, handlers, options.maxWaitMs);
    try {
      await cluster.connect();
      await tail.seekToEnd();
    } catch (error) {
      await cluster.disconnect().catch(() => {});
      throw error;
    }
    tail.loop = tail.run();
    return tail;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Closing the connections fails the fetch in flight at once, instead of waiting out its long-poll.
    await this.cluster.disconnect().catch(() => {});
    await this.loop;
  }

  private async seekToEnd(): Promise<void> {
    await this.cluster.addTargetTopic(this.topic);
    const partitions = this.cluster.findTopicPartitionMetadata(this.topic).map((p) => ({ partition: p.partitionId }));
    if (partitions.length === 0) throw new Error(`Kafka topic ${this.topic} has no partitions (does it exist?)`);
    const [offsets] = await this.cluster.fetchTopicsOffset([{ topic: this.topic, partitions, fromBeginning: false }]);
    for (const { partition, offset } of offsets?.partitions ?? []) this.positions.set(partition, Number(offset));
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopped; ) {
      try {
        await this.fetchOnce();
        failures = 0;
      } catch (error) {
        if (this.stopped) return;
        failures++;
        this.handlers.onError(error as Error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** failures)));
        await this.recover(error as { type?: string; name?: string }).catch(() => {});
      }
    }
  }

  /** One long-poll per leader, all at once; a partition moves past what it delivered. */
  private async fetchOnce(): Promise<void> {
    const byLeader = this.cluster.findLeaderForPartitions(this.topic, [...this.positions.keys()]);
    await Promise.all(
      Object.entries(byLeader).map(async ([nodeId, partitions]) => {
        const broker = await this.cluster.findBroker({ nodeId });
        const requested = partitions.map((partition) => ({
          partition,
          fetchOffset: String(this.positions.get(partition)),
          maxBytes: MAX_BYTES_PER_PARTITION,
        }));
        const { responses } = await broker.fetch({
          maxWaitTime: this.maxWaitMs,
          minBytes: 1,
          maxBytes: MAX_BYTES_PER_PARTITION * partitions.length,
          isolationLevel: READ_UNCOMMITTED,
          topics: [{ topic: this.topic, partitions: requested }],
        });
        if (this.stopped) return;
        for (const { partition, messages } of responses.flatMap((r) => r.partitions)) this.deliver(partition, messages);
      }),
    );
  }

  private deliver(partition: number, messages: InternalFetchedMessage[]): void {
    const from = this.positions.get(partition) ?? 0;
    // A fetch returns whole record batches: skip what precedes the position, and control records.
    const fresh = messages.filter((m) => Number(m.offset) >= from);
    const last = fresh[fresh.length - 1];
    if (!last) return;
    this.positions.set(partition, Number(last.offset) + 1);
    const records = fresh.filter((m) => !m.isControlRecord).map(toIncoming);
    if (records.length === 0) return;
    try {
      this.handlers.onRecords(partition, records);
    } catch {
      // the handler's own failure; the tail reads on
    }
  }

  private async recover(error: { type?: string; name?: string }): Promise<void> {
    if (error.type === 'OFFSET_OUT_OF_RANGE') return this.seekToEnd(); // retention passed us: what is left is stale
    if ((error.type && STALE_METADATA.has(error.type)) || error.name !== 'KafkaJSProtocolError') {
      await this.cluster.refreshMetadata();
    }
  }
}
