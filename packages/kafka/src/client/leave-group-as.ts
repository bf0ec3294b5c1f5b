import type { Kafka } from 'kafkajs';

/** The slice of kafkajs's internal cluster that sends a LeaveGroup for any member. */
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(request: {
    groupId: string;
  }): Promise<{ leaveGroup(request: { groupId: string; memberId: string }): Promise<unknown> }>;
}

/**
 * Sends a LeaveGroup for `memberId` of `groupId`: the member a crashed kafkajs consumer was, which
 * could not leave itself while the broker was unreachable. Until it leaves, the group waits for it
 * (its session timeout, 30 s by default) before the replacement member gets any partition.
 *
 * kafkajs 2.2.4 has no public call for this (Java's admin has `removeMembersFromConsumerGroup`); its
 * own cluster does, behind a private symbol. Returns false when that is missing (another kafkajs):
 * the group then waits out the session timeout, as before. Throws what the broker answers
 * (`UNKNOWN_MEMBER_ID` when the member is gone already) or a connection error.
 */
export async function leaveGroupAs(kafka: Kafka, groupId: string, memberId: string): Promise<boolean> {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const createCluster = symbol ? (kafka as unknown as Record<symbol, unknown>)[symbol] : undefined;
  if (typeof createCluster !== 'function') return false;
  const cluster = createCluster({ allowAutoTopicCreation: false }) as InternalCluster;
  try {
    await cluster.connect();
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    await coordinator.leaveGroup({ groupId, memberId });
    return true;
  } finally {
    await cluster.disconnect().catch(() => {});
  }
}
