import { setTimeout as sleep } from 'node:timers/promises';
import type { GroupConsumer, IncomingRecord, KafkaClient, OutgoingRecord } from './client/kafka-client.js';
import { maxRecordBytes, type ResolvedKafkaBrokerConfig } from './kafka-broker-config.js';
import { PartitionWindow, type WindowEntry } from './partition-window.js';
import { HEADER, intHeader } from './record-headers.js';
import { assignSticky, decodeMemberState, encodeMemberState, type MemberState } from './sticky-assignment.js';
import type { QueueTopics } from './topics.js';

/** What a queue consumer needs from its broker and subscription. */
export interface QueueConsumerContext {
  readonly config: ResolvedKafkaBrokerConfig;
  readonly client: KafkaClient;
  /** Produce (micro-batched with other sends of the same tick). */
  send(records: OutgoingRecord[]): Promise<void>;
  /** Records arrived or a slot freed: hand out work soon. */
  wake(): void;
  /** A consumer error nobody awaits (`what`: where it happened). */
  report(error: Error, what: string): void;
}

/** One owned partition of the queue topic or of one of its delay topics. */
export interface OwnedPartition {
  readonly kind: 'main' | 'delay';
  readonly window: PartitionWindow;
  /** Main partitions: entries waiting for a handler, in offset order. */
  readonly waiting: WindowEntry[];
  /** Keys with a delivery handed out and not settled: the next of that key waits (per-key order). */
  readonly runningKeys: Set<string>;
  paused: boolean;
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * The consumer-group member of one queue: reads the queue topic and its delay topics, keeps a
 * {@link PartitionWindow} per owned partition, forwards due delayed records to the queue topic,
 * and commits each window's contiguous completed position (with metadata) after changes.
 * Handing records to handlers is the subscription's job (prefetch spans all its queues).
 */
export class QueueConsumer {
  readonly groupId: string;
  /** Owned partitions by topic + partition. */
  readonly owned = new Map<string, OwnedPartition>();
  private readonly consumer: GroupConsumer;
  private assignment = new Map<string, readonly number[]>();
  private generation = 0;
  private committedCache = new Map<
    string,
    { generation: number; offsets: Promise<Map<number, { offset: number; metadata: string | null }>> }
  >();
  private readonly delayTopics: Set<string>;
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  private stopping: Promise<void> | undefined;
  /** Set once the last commit ran: nothing commits after. */
  private stopped = false;
  /** Main partitions in round-robin order for dispatch. */
  private rotation = 0;

  constructor(
    readonly topics: QueueTopics,
    private readonly ctx: QueueConsumerContext,
  ) {
    const { config } = ctx;
    this.groupId = `${config.groupPrefix}${topics.queue}`;
    this.delayTopics = new Set(topics.delays.map((d) => d.topic));
    this.consumer = ctx.client.groupConsumer({
      groupId: this.groupId,
      topics: [topics.main, ...topics.delays.map((d) => d.topic)],
      sessionTimeoutMs: config.sessionTimeoutMs,
      rebalanceTimeoutMs: config.rebalanceTimeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      maxWaitMs: config.maxWaitMs,
      maxBytesPerPartition: Math.max(1_048_576, maxRecordBytes(config.maxMessageBytes)),
      assignor: {
        name: 'tq-sticky',
        userData: () => encodeMemberState(this.memberState()),
        assign: (members, topics) =>
          assignSticky(
            members.map((m) => ({ id: m.memberId, state: decodeMemberState(m.userData) })),
            topics,
          ),
      },
    });
  }

  /** Between a rebalance's start and the new assignment: nothing new starts (its partition may move). */
  private rebalancing = false;

  /** Set when the subscription closes: this member asks for no new partitions. */
  closing = false;

  /** What this member tells the group leader when it (re)joins. */
  private memberState(): MemberState {
    const owned: Record<string, number[]> = {};
    const busy: Record<string, number[]> = {};
    for (const [topic, partitions] of this.assignment) owned[topic] = [...partitions];
    for (const part of this.owned.values()) {
      const { window } = part;
      const running = part.kind === 'main' && window.count('running') > 0;
      if (running || window.dirty) busy[window.topic] = [...(busy[window.topic] ?? []), window.partition];
    }
    return { owned, busy, closing: this.closing };
  }

  /** Join the group; resolves with the first assignment in. */
  async start(): Promise<void> {
    await this.consumer.start({
      onAssigned: (assignment) => this.onAssigned(assignment),
      onRevoking: () => {
        this.rebalancing = true;
      },
      onRecords: (topic, partition, records) => this.onRecords(topic, partition, records),
      onError: (error) => this.ctx.report(error, `consumer group ${this.groupId}`),
    });
  }

  /** The next entry a handler may take: round-robin over main partitions, per-key order kept. */
  nextEntry(): { part: OwnedPartition; entry: WindowEntry } | undefined {
    if (this.rebalancing) return undefined;
    const mains: OwnedPartition[] = [];
    for (const p of this.owned.values()) if (p.kind === 'main' && p.waiting.length > 0) mains.push(p);
    for (let step = 0; step < mains.length; step++) {
      const part = mains[(this.rotation + step) % mains.length] as OwnedPartition;
      const scan = Math.min(part.waiting.length, 1000);
      for (let i = 0; i < scan; i++) {
        const entry = part.waiting[i] as WindowEntry;
        if (entry.key !== undefined && part.runningKeys.has(entry.key)) continue;
        if (i === 0) part.waiting.shift();
        else part.waiting.splice(i, 1);
        this.rotation = (this.rotation + step + 1) % Math.max(1, mains.length);
        return { part, entry };
      }
    }
    return undefined;
  }

  /** An entry was handed out: lock its key and record the hand-out in the next commit. */
  handOut(part: OwnedPartition, entry: WindowEntry): number {
    if (entry.key !== undefined) part.runningKeys.add(entry.key);
    const count = part.window.handOut(entry);
    this.markDirty();
    return count;
  }

  /** Done for good: the commit position may move. */
  complete(part: OwnedPartition, entry: WindowEntry): void {
    this.unlock(part, entry);
    if (!part.window.alive) return;
    part.window.complete(entry);
    this.maybeResume(part);
    this.markDirty();
  }

  /**
   * Back to waiting (nack with requeue): it runs again here, before later records of its key. A
   * deliberate return, so its next delivery keeps this one's count (see `Delivery.deliveryCount`).
   */
  requeue(part: OwnedPartition, entry: WindowEntry): void {
    this.unlock(part, entry);
    if (!part.window.alive || entry.status === 'done') return;
    part.window.requeue(entry);
    let index = part.waiting.findIndex((other) => other.offset > entry.offset);
    if (index < 0) index = part.waiting.length;
    part.waiting.splice(index, 0, entry);
    this.markDirty();
  }

  /** Purge: forget fetched records no handler has (waiting ones, delayed ones held for forwarding). */
  dropWaiting(): void {
    for (const part of this.owned.values()) {
      if (!part.window.alive) continue;
      for (const entry of part.window.held()) {
        if (entry.status === 'waiting' || (part.kind === 'delay' && entry.status === 'running')) part.window.complete(entry);
      }
      part.waiting.length = 0;
      this.maybeResume(part);
    }
    this.markDirty();
  }

  /** Stop fetching (the subscription closed). */
  pauseAll(): void {
    this.closing = true;
    this.consumer.pauseAll();
  }

  /** Commit what changed, then leave the group. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.flush();
      this.stopped = true;
      for (const part of this.owned.values()) part.window.revoke();
      await this.consumer.stop();
    })();
    return this.stopping;
  }

  /** Commit what changed now; resolves when nothing is left to commit (or committing keeps failing while stopping). */
  async flush(): Promise<void> {
    this.flushAgain = true;
    this.flushing ??= this.runCommits(false);
    await this.flushing;
  }

  private markDirty(): void {
    this.flushAgain = true;
    this.flushing ??= this.runCommits(true);
  }

  private runCommits(defer: boolean): Promise<void> {
    return (async () => {
      // Deferred a turn: the settles of one tick share one commit.
      if (defer) await new Promise((resolve) => setImmediate(resolve));
      await this.commitLoop();
    })().finally(() => {
      this.flushing = undefined;
      if (this.flushAgain && !this.stopped) this.markDirty();
    });
  }

  private async commitLoop(): Promise<void> {
    let failures = 0;
    while (this.flushAgain) {
      this.flushAgain = false;
      const parts = [...this.owned.values()].filter((p) => p.window.alive && p.window.dirty && p.window.started);
      const offsets = parts.map((p) => {
        p.window.dirty = false;
        return { topic: p.window.topic, partition: p.window.partition, offset: p.window.position(), metadata: p.window.metadata() };
      });
      const changed = offsets.filter((o, i) => {
        const last = (parts[i] as OwnedPartition).window.committed;
        return !last || last.offset !== o.offset || last.metadata !== o.metadata;
      });
      if (changed.length === 0) continue;
      try {
        await this.consumer.commit(changed);
        for (const o of changed) {
          const part = this.owned.get(partitionKey(o.topic, o.partition));
          if (part) part.window.committed = { offset: o.offset, metadata: o.metadata };
        }
        failures = 0;
      } catch {
        // A rebalance in progress or a coordinator move: try again (as the new generation).
        for (const p of parts) p.window.dirty = true;
        this.flushAgain = true;
        if (this.stopping && ++failures > 3) return;
        await sleep(Math.min(1000, 50 * 2 ** Math.min(failures++, 4)));
      }
    }
  }

  private onAssigned(assignment: ReadonlyMap<string, readonly number[]>): void {
    this.generation++;
    this.rebalancing = false;
    this.assignment = new Map(assignment);
    for (const [key, part] of this.owned) {
      const { topic, partition } = part.window;
      if (!(assignment.get(topic) ?? []).includes(partition)) {
        part.window.revoke();
        part.waiting.length = 0;
        this.owned.delete(key);
      } else if (part.paused) {
        this.consumer.pause(topic, partition);
      }
    }
    this.ctx.wake();
  }

  private async onRecords(topic: string, partition: number, records: IncomingRecord[]): Promise<void> {
    if (!(this.assignment.get(topic) ?? []).includes(partition)) return;
    const key = partitionKey(topic, partition);
    let part = this.owned.get(key);
    if (!part) {
      const committed = (await this.committedOffsets(topic)).get(partition);
      part = this.owned.get(key);
      if (!part) {
        if (!(this.assignment.get(topic) ?? []).includes(partition)) return;
        part = {
          kind: this.delayTopics.has(topic) ? 'delay' : 'main',
          window: new PartitionWindow(topic, partition, committed?.offset ?? -1, committed?.metadata ?? null),
          waiting: [],
          runningKeys: new Set(),
          paused: false,
        };
        this.owned.set(key, part);
      }
    }
    let changed = false;
    for (const record of records) {
      const entry = part.window.take(record);
      if (!entry) {
        changed = true; // skipped as done by an earlier owner: the position may move
        continue;
      }
      if (part.kind === 'main') part.waiting.push(entry);
      else this.schedule(part, entry);
    }
    if (changed) this.markDirty();
    if (part.window.size >= this.ctx.config.maxUncommitted && !part.paused) {
      part.paused = true;
      this.consumer.pause(topic, partition);
    }
    if (part.kind === 'main') this.ctx.wake();
  }

  /** Delay topics: forward the record to the queue topic when due (held in memory, uncommitted until then). */
  private schedule(part: OwnedPartition, entry: WindowEntry): void {
    const dueAt = intHeader(entry.record.headers, HEADER.dueAt, 0);
    const wait = Math.max(0, dueAt - Date.now());
    entry.timer = setTimeout(() => void this.forward(part, entry), wait);
    entry.status = 'running';
  }

  private async forward(part: OwnedPartition, entry: WindowEntry): Promise<void> {
    if (!part.window.alive || entry.status === 'done') return;
    if (this.rebalancing) {
      // The partition may move: forwarding now could forward twice. Wait for the assignment.
      entry.timer = setTimeout(() => void this.forward(part, entry), 20);
      return;
    }
    const headers: Record<string, string> = {};
    const count = entry.record.headers[HEADER.deliveryCount];
    if (count !== undefined) headers[HEADER.deliveryCount] = count;
    try {
      await this.ctx.send([{ topic: this.topics.main, key: entry.record.key, value: entry.record.value, headers }]);
    } catch (error) {
      this.ctx.report(error as Error, `forwarding a delayed record to ${this.topics.main} (retrying in 1 s)`);
      if (part.window.alive && !this.stopping) entry.timer = setTimeout(() => void this.forward(part, entry), 1000);
      return;
    }
    this.complete(part, entry);
  }

  private unlock(part: OwnedPartition, entry: WindowEntry): void {
    if (entry.key !== undefined && part.kind === 'main') {
      part.runningKeys.delete(entry.key);
      this.ctx.wake();
    }
  }

  private maybeResume(part: OwnedPartition): void {
    if (part.paused && part.window.size < this.ctx.config.maxUncommitted / 2 && !this.stopping) {
      part.paused = false;
      this.consumer.resume(part.window.topic, part.window.partition);
    }
  }

  private committedOffsets(topic: string): Promise<Map<number, { offset: number; metadata: string | null }>> {
    const cached = this.committedCache.get(topic);
    if (cached && cached.generation === this.generation) return cached.offsets;
    const offsets = this.ctx.client
      .committed(this.groupId, topic)
      .then((list) => new Map(list.map((c) => [c.partition, { offset: c.offset, metadata: c.metadata }])));
    this.committedCache.set(topic, { generation: this.generation, offsets });
    offsets.catch(() => this.committedCache.delete(topic));
    return offsets;
  }
}
