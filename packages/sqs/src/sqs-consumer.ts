import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@aws-sdk/client-sqs';
import { type DeliveryHandler, handOff, type Subscription } from '@tq/core';
import { type DeliveryOperations, type RequeueListener, SqsDelivery } from './sqs-delivery.js';
import { isAbort, isQueueMissing, sqsError } from './sqs-errors.js';
import type { QueueInfo } from './sqs-queues.js';

/** SQS returns at most 10 messages per ReceiveMessage. */
const MAX_RECEIVE = 10;
/** Default cap on concurrent ReceiveMessage calls per queue. */
const DEFAULT_MAX_RECEIVES = 4;

/** What a consumer needs from its broker. */
export interface ConsumerContext extends DeliveryOperations {
  url(queue: QueueInfo): Promise<string>;
  forgetUrl(queue: QueueInfo): void;
  receive(url: string, queue: QueueInfo, max: number, signal: AbortSignal): Promise<Message[]>;
  /** Make messages visible again now (fetched but never handed over). */
  release(url: string, receiptHandles: readonly string[]): Promise<void>;
  onError(error: Error): void;
}

/** Options of one consumer. */
export interface ConsumerOptions {
  queues: readonly QueueInfo[];
  handler: DeliveryHandler;
  prefetch: number;
  waitTimeSeconds: number;
  maxReceivesPerQueue: number | undefined;
  onClose(consumer: SqsConsumer): void;
}

/**
 * Long-polls its queues and hands messages to the handler, never more than `prefetch` unsettled.
 * While a queue has a backlog, a poll waits until a full batch (10, or the prefetch when smaller)
 * fits, so under load every ReceiveMessage carries 10 tasks; otherwise it asks for what fits.
 * Several polls per queue may be in flight when the prefetch allows.
 *
 * On FIFO queues it also keeps SQS's promise: messages of one MessageGroupId run one after the
 * other, in order; later ones wait here (their visibility kept alive), and go back with the
 * earlier one when it is requeued.
 *
 * Closing stops handing out at once. A poll still in flight is NOT aborted (SQS may already have
 * taken messages for it, which would then stay invisible for a whole visibility timeout): its
 * messages are released when it returns. `broker.close()` waits for that; `force` aborts.
 */
export class SqsConsumer implements Subscription, RequeueListener {
  private unsettled = 0;
  private readonly reserved = new Map<string, number>();
  private closed = false;
  private readonly controller = new AbortController();
  private readonly waiters = new Set<() => void>();
  private readonly pollers: Promise<void>[] = [];
  /** FIFO: groups with a message at the handler, and the messages waiting behind it. */
  private readonly busyGroups = new Map<string, SqsDelivery[]>();
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: ConsumerContext,
    private readonly options: ConsumerOptions,
  ) {}

  /** Start polling. */
  start(): void {
    const batch = Math.min(MAX_RECEIVE, this.options.prefetch);
    const perQueue =
      this.options.maxReceivesPerQueue ?? Math.min(DEFAULT_MAX_RECEIVES, Math.max(1, Math.floor(this.options.prefetch / batch)));
    for (const queue of this.options.queues) {
      for (let i = 0; i < perQueue; i++) this.pollers.push(this.poll(queue));
    }
    const fifo = this.options.queues.filter((q) => q.fifo);
    if (fifo.length > 0) {
      const seconds = Math.min(...fifo.map((q) => q.visibilitySeconds));
      this.keepAlive = setInterval(() => this.extendWaiting(), (seconds * 1000) / 3);
      this.keepAlive.unref();
    }
  }

  /** Resolves when every poll has returned (and released what it brought after the close). */
  get finished(): Promise<void> {
    return Promise.all(this.pollers).then(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    const waiting = [...this.busyGroups.values()].flat();
    this.busyGroups.clear();
    this.unsettled -= waiting.length;
    this.releaseAll(waiting);
    this.options.onClose(this);
  }

  /** Forced close: abort polls in flight too. */
  abort(): void {
    void this.close();
    this.controller.abort();
  }

  requeued(delivery: SqsDelivery): void {
    if (delivery.groupId === undefined) return;
    const waiting = this.busyGroups.get(delivery.groupId);
    if (!waiting || waiting.length === 0) return;
    // Back in the same batch as the requeued one, so SQS keeps the group's order.
    const later = waiting.splice(0);
    this.unsettled -= later.length;
    this.releaseAll(later);
  }

  private async poll(queue: QueueInfo): Promise<void> {
    let backoffMs = 0;
    const batch = Math.min(MAX_RECEIVE, this.options.prefetch);
    // While the queue has a backlog (the last receive came back full), wait for room for a full
    // batch: 10 tasks per call. Otherwise take what fits: the next message should not wait.
    let backlog = false;
    while (!this.closed) {
      const max = await this.reserveRoom(queue, backlog ? batch : 1);
      if (max === 0) return;
      let url: string | undefined;
      let messages: Message[];
      try {
        url = await this.context.url(queue);
        if (this.closed) {
          this.reserve(queue, -max);
          return;
        }
        messages = await this.context.receive(url, queue, max, this.controller.signal);
        backoffMs = 0;
      } catch (error) {
        this.reserve(queue, -max);
        if (this.closed || isAbort(error)) return;
        if (isQueueMissing(error)) this.context.forgetUrl(queue);
        this.context.onError(sqsError(`ReceiveMessage(${queue.sqsName})`, error));
        // Capped at 2 s: after an outage the queue is read again within about 2 s of SQS answering.
        backoffMs = Math.min(2000, Math.max(100, backoffMs * 2));
        await sleep(backoffMs);
        continue;
      }
      this.reserve(queue, -max);
      backlog = messages.length === max;
      this.accept(queue, url, messages);
    }
  }

  private accept(queue: QueueInfo, url: string, messages: readonly Message[]): void {
    const surplus: SqsDelivery[] = [];
    for (const message of messages) {
      const delivery = new SqsDelivery(queue, url, message, this.context, this);
      if (this.closed || this.unsettled >= this.options.prefetch) {
        surplus.push(delivery);
        continue;
      }
      this.unsettled++;
      const group = queue.fifo ? delivery.groupId : undefined;
      if (group !== undefined) {
        const waiting = this.busyGroups.get(group);
        if (waiting) {
          waiting.push(delivery);
          continue;
        }
        this.busyGroups.set(group, []);
      }
      this.dispatch(delivery);
    }
    this.releaseAll(surplus);
  }

  private dispatch(delivery: SqsDelivery): void {
    // A handler whose ack fails because the broker closed under it (tests do that) is reported,
    // not left to crash the process as an unhandled rejection.
    handOff(
      this.options.handler,
      delivery,
      () => this.handled(delivery),
      (error) => this.context.onError(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** The handler's promise settled: its slot is free; on FIFO the group's next message may go. */
  private handled(delivery: SqsDelivery): void {
    this.unsettled--;
    const group = delivery.info.fifo ? delivery.groupId : undefined;
    if (group !== undefined) {
      const waiting = this.busyGroups.get(group) ?? [];
      const outcome = delivery.outcome;
      if (outcome === 'requeue' || outcome === undefined) {
        // Still (or again) on SQS ahead of the rest: they go back too, to come after it.
        this.unsettled -= waiting.length;
        this.releaseAll(waiting);
        this.busyGroups.delete(group);
      } else {
        const next = waiting.shift();
        if (next && !this.closed) this.dispatch(next);
        else this.busyGroups.delete(group);
      }
    }
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  private free(queue: QueueInfo): number {
    return this.options.prefetch - this.unsettled - (this.reserved.get(queue.sqsName) ?? 0);
  }

  private reserve(queue: QueueInfo, count: number): void {
    this.reserved.set(queue.sqsName, (this.reserved.get(queue.sqsName) ?? 0) + count);
  }

  /**
   * Wait until at least `atLeast` more messages fit (counting this queue's polls in flight), then
   * reserve what fits, up to a batch, in the same synchronous step (pollers woken together must
   * not both take the same room). Returns 0 when the consumer closed.
   */
  private async reserveRoom(queue: QueueInfo, atLeast: number): Promise<number> {
    while (!this.closed) {
      const free = this.free(queue);
      if (free >= atLeast) {
        const max = Math.min(MAX_RECEIVE, free);
        this.reserve(queue, max);
        return max;
      }
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
    return 0;
  }

  /**
   * Give back messages no handler got. On a standard queue each is re-sent like a requeue, so it
   * keeps its delivery count (a poll that returns while the consumer closes would otherwise add a
   * receive); FIFO queues keep their group's order with visibility 0, and SQS counts that receive.
   */
  private releaseAll(deliveries: readonly SqsDelivery[]): void {
    const byUrl = new Map<string, string[]>();
    for (const d of deliveries) {
      if (!d.info.fifo) {
        d.nack().catch((error: unknown) => this.context.onError(sqsError('releasing a message', error)));
        continue;
      }
      byUrl.set(d.url, [...(byUrl.get(d.url) ?? []), d.receiptHandle]);
    }
    for (const [url, handles] of byUrl) {
      this.context.release(url, handles).catch((error: unknown) => this.context.onError(sqsError('releasing messages', error)));
    }
  }

  /**
   * FIFO messages waiting here behind their group's running one: keep them invisible meanwhile.
   * Not core's heartbeat's job: that one extends deliveries handed out, and these are not yet.
   */
  private extendWaiting(): void {
    for (const waiting of this.busyGroups.values()) {
      for (const d of waiting) {
        d.extendVisibility(d.visibilityTimeoutMs).catch((error: unknown) => this.context.onError(sqsError('extending visibility', error)));
      }
    }
  }
}
