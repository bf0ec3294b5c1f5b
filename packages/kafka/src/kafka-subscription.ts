import { type DeliveryHandler, handOff, type Subscription } from '@tq/core';
import { KafkaDelivery } from './kafka-delivery.js';
import type { WindowEntry } from './partition-window.js';
import { type OwnedPartition, QueueConsumer, type QueueConsumerContext } from './queue-consumer.js';
import type { QueueTopics } from './topics.js';

/** What the subscription needs from its broker besides what queue consumers need. */
export interface SubscriptionContext extends Omit<QueueConsumerContext, 'wake'> {
  /** Called once when the subscription has left every group (the broker forgets it). */
  onStopped(subscription: KafkaSubscription): void;
}

/**
 * One `consume()` call: a group member per queue, and the hand-out of their records to the
 * handler, at most `prefetch` unsettled handler promises at a time, earlier queues first.
 *
 * Closing stops fetching at once. Deliveries already handed out stay settleable: the members
 * stay in their groups (fetching nothing, heartbeating) until those settle or
 * `visibilityTimeoutMs` passes, then commit and leave, so a warm shutdown commits its last tasks.
 */
export class KafkaSubscription implements Subscription {
  readonly consumers: QueueConsumer[];
  private inflight = 0;
  /** Handed out, not settled. */
  private readonly outstanding = new Set<KafkaDelivery>();
  private closed = false;
  private wakePending = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private lingering: Promise<void> | undefined;
  private lingerDone: (() => void) | undefined;

  constructor(
    topics: readonly QueueTopics[],
    private readonly handler: DeliveryHandler,
    private readonly prefetch: number,
    private readonly ctx: SubscriptionContext,
  ) {
    const consumerCtx: QueueConsumerContext = { ...ctx, wake: () => this.wake() };
    this.consumers = topics.map((t) => new QueueConsumer(t, consumerCtx));
  }

  /** Join every queue's group; resolves once each has its first assignment. */
  async start(): Promise<void> {
    try {
      await Promise.all(this.consumers.map((c) => c.start()));
    } catch (error) {
      this.closed = true;
      await this.stop();
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const consumer of this.consumers) consumer.pauseAll();
    if (this.outstanding.size === 0) {
      await this.stop();
      return;
    }
    // Linger for the deliveries still running, bounded by visibilityTimeoutMs.
    const lingered = new Promise<void>((resolve) => {
      this.lingerDone = resolve;
      this.lingerTimer = setTimeout(resolve, this.ctx.config.visibilityTimeoutMs);
    });
    this.lingering = lingered.then(() => this.stop());
  }

  /** Leave now (after a last commit), whatever is still running. */
  stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.lingerTimer);
    this.stopping ??= Promise.allSettled(this.consumers.map((c) => c.stop())).then(() => this.ctx.onStopped(this));
    return this.stopping;
  }

  /** Resolves once every member left (after the linger, when deliveries were still running). */
  stopped(): Promise<void> {
    return this.stopping ?? this.lingering ?? Promise.resolve();
  }

  /** Called by a delivery once its (first) settle call finished. */
  settled(delivery: KafkaDelivery): void {
    this.outstanding.delete(delivery);
    if (this.closed && this.outstanding.size === 0) this.lingerDone?.();
  }

  private wake(): void {
    if (this.wakePending) return;
    this.wakePending = true;
    queueMicrotask(() => {
      this.wakePending = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.closed) return;
    while (this.inflight < this.prefetch) {
      const next = this.next();
      if (!next) return;
      this.handOut(next.consumer, next.part, next.entry);
    }
  }

  private next(): { consumer: QueueConsumer; part: OwnedPartition; entry: WindowEntry } | undefined {
    for (const consumer of this.consumers) {
      const found = consumer.nextEntry();
      if (found) return { consumer, ...found };
    }
    return undefined;
  }

  private handOut(consumer: QueueConsumer, part: OwnedPartition, entry: WindowEntry): void {
    const deliveryCount = consumer.handOut(part, entry);
    const delivery = new KafkaDelivery(this, consumer, part, entry, deliveryCount, this.ctx);
    this.outstanding.add(delivery);
    this.inflight++;
    // The handler runs in a microtask, never inside the dispatch loop. A rejecting handler is a
    // caller bug (the worker's never rejects): it surfaces as an unhandled rejection.
    handOff(this.handler, delivery, this.handled);
  }

  private readonly handled = (): void => {
    this.inflight--;
    this.wake();
  };
}
