import type { Kafka } from 'kafkajs';

/** A record as kafkajs's Fetch decoder returns it. */
export interface InternalFetchedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[] | undefined>;
  timestamp: string;
  isControlRecord?: boolean;
}

/** One broker connection of an {@link InternalCluster}. */
export interface InternalBroker {
  leaveGroup(request: { groupId: string; memberId: string }): Promise<unknown>;
  fetch(request: {
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    isolationLevel: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{ responses: { topicName: string; partitions: { partition: number; messages: InternalFetchedMessage[] }[] }[] }>;
}

/** The slice of kafkajs's internal cluster tq uses: raw requests to the right broker, no consumer group. */
export interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number; leader: number }[];
  findLeaderForPartitions(topic: string, partitions: readonly number[]): Record<string, number[]>;
  findBroker(request: { nodeId: string }): Promise<InternalBroker>;
  findGroupCoordinator(request: { groupId: string }): Promise<InternalBroker>;
  fetchTopicsOffset(
    topics: { topic: string; partitions: { partition: number }[]; fromBeginning: boolean }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

/**
 * A new, unconnected kafkajs cluster (its own connections), from the private factory that kafkajs
 * 2.2.4's consumers and producers are built with: it is the only way to send requests kafkajs has
 * no public call for (a LeaveGroup for another member, a Fetch without a consumer group). Returns
 * `undefined` when that factory is missing (another kafkajs).
 */
export function internalCluster(kafka: Kafka): InternalCluster | undefined {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const createCluster = symbol ? (kafka as unknown as Record<symbol, unknown>)[symbol] : undefined;
  if (typeof createCluster !== 'function') return undefined;
  return createCluster({ allowAutoTopicCreation: false }) as InternalCluster;
}
