import type { Kafka } from 'kafkajs';
import { internalCluster } from './internal-cluster.js';

/**
 * Sends a LeaveGroup for `memberId` of `groupId`: the member a crashed kafkajs consumer was, which
 * could not leave itself while the broker was unreachable. Until it leaves, the group waits for it
 * (its session timeout, 30 s by default) before the replacement member gets any partition.
 *
 * kafkajs 2.2.4 has no public call for this (Java's admin has `removeMembersFromConsumerGroup`); its
 * own cluster does (see {@link internalCluster}). Returns false when that is missing (another
 * kafkajs): the group then waits out the session timeout, as before. Throws what the broker answers
 * (`UNKNOWN_MEMBER_ID` when the member is gone already) or a connection error.
 */
export async function leaveGroupAs(kafka: Kafka, groupId: string, memberId: string): Promise<boolean> {
  const cluster = internalCluster(kafka);
  if (!cluster) return false;
  try {
    await cluster.connect();
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    await coordinator.leaveGroup({ groupId, memberId });
    return true;
  } finally {
    await cluster.disconnect().catch(() => {});
  }
}
