/**
 * Partition assignment for tq's consumer groups: balanced per topic, and sticky where balance
 * allows, so a rebalance moves as little running work as possible. Kafka's classic (eager)
 * rebalance revokes every partition at once and kafkajs offers no hook to finish in-flight tasks
 * first; moving a partition with tasks still running means the new owner runs them again. So each
 * member tells the leader what it owns and where it has work in flight ("busy"), and the leader:
 * 1. lets closing members (a warm shutdown) keep only their busy partitions, so their last tasks
 *    can still commit, and hands everything else to the others;
 * 2. gives each remaining member its fair share of every topic (floor or ceil of partitions /
 *    members), keeping partitions with their current owner first, busy ones before idle ones;
 * 3. gives what is left to the members with the fewest.
 * Duplicates on a rebalance are then only the in-flight tasks of partitions balance had to move.
 */

/** What a member reports when it joins. */
export interface MemberState {
  /** Partitions it owned in the previous generation, by topic. */
  owned: Record<string, number[]>;
  /** Of those, the ones with tasks running or completions not committed yet. */
  busy: Record<string, number[]>;
  /** Its subscription is closing: it wants no new partitions. */
  closing: boolean;
}

/** A member as the leader sees it. */
export interface GroupMember {
  id: string;
  /** Undefined for members that do not speak this protocol (no stickiness for them). */
  state: MemberState | undefined;
}

/** Encodes a member's state for the JoinGroup user data. */
export function encodeMemberState(state: MemberState): Buffer {
  return Buffer.from(JSON.stringify(state), 'utf8');
}

/** Decodes {@link encodeMemberState}'s output; anything else is undefined. */
export function decodeMemberState(data: Buffer | null | undefined): MemberState | undefined {
  if (!data || data.length === 0) return undefined;
  try {
    const value = JSON.parse(data.toString('utf8')) as Partial<MemberState>;
    if (typeof value.owned !== 'object' || typeof value.busy !== 'object' || value.owned === null || value.busy === null) return undefined;
    return { owned: value.owned, busy: value.busy, closing: value.closing === true };
  } catch {
    return undefined;
  }
}

/** Assigns `topics` (with their partitions) to `members`; returns partitions by member and topic. */
export function assignSticky(
  members: readonly GroupMember[],
  topics: readonly { topic: string; partitions: readonly number[] }[],
): Map<string, Record<string, number[]>> {
  const result = new Map<string, Record<string, number[]>>(members.map((m) => [m.id, {}]));
  const sorted = [...members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const open = sorted.filter((m) => !m.state?.closing);
  const takers = open.length > 0 ? open : sorted;
  for (const { topic, partitions } of topics) {
    const give = (member: string, partition: number) => {
      const byTopic = result.get(member) as Record<string, number[]>;
      byTopic[topic] = [...(byTopic[topic] ?? []), partition];
      free.delete(partition);
    };
    const free = new Set(partitions);
    const owns = (m: GroupMember, p: number) => m.state?.owned[topic]?.includes(p) === true;
    const busy = (m: GroupMember, p: number) => m.state?.busy[topic]?.includes(p) === true;
    // 1. Closing members keep only their busy partitions.
    for (const member of sorted) {
      if (!member.state?.closing || takers.includes(member)) continue;
      for (const p of partitions) if (free.has(p) && owns(member, p) && busy(member, p)) give(member.id, p);
    }
    // 2. Fair shares, the larger ones to the members owning the most now (fewer moves).
    const remaining = free.size;
    const base = Math.floor(remaining / takers.length);
    let extra = remaining % takers.length;
    const ownedCount = (m: GroupMember) => partitions.filter((p) => free.has(p) && owns(m, p)).length;
    const byOwned = [...takers].sort((a, b) => ownedCount(b) - ownedCount(a));
    const quota = new Map<string, number>();
    for (const member of byOwned) quota.set(member.id, base + (extra-- > 0 ? 1 : 0));
    const count = (m: GroupMember) => result.get(m.id)?.[topic]?.length ?? 0;
    for (const member of takers) {
      const mine = partitions.filter((p) => free.has(p) && owns(member, p));
      mine.sort((a, b) => Number(busy(member, b)) - Number(busy(member, a)));
      for (const p of mine) if (count(member) < (quota.get(member.id) ?? 0) && free.has(p)) give(member.id, p);
    }
    // 3. The rest to whoever is below quota, fewest first.
    for (const p of partitions) {
      if (!free.has(p)) continue;
      const target = [...takers].filter((m) => count(m) < (quota.get(m.id) ?? 0)).sort((a, b) => count(a) - count(b))[0] ?? takers[0];
      if (target) give(target.id, p);
    }
  }
  return result;
}
