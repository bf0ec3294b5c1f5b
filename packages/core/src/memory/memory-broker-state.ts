import { MemoryPlanes } from './memory-planes.js';
import { MemoryQueue, type StoredMessage } from './memory-queue.js';
import { MemoryScheduler } from './memory-scheduler.js';

/** What the state needs from a consumer to hand it work. */
export interface MemoryConsumerSlot {
  /** Queues in preference order. */
  readonly queues: readonly string[];
  /** Visibility timeout of the broker the consumer belongs to. */
  readonly visibilityTimeoutMs: number;
  /** True while the consumer is open and below its prefetch. */
  hasRoom(): boolean;
  /** Take a claimed message. */
  deliver(queue: string, message: StoredMessage): void;
}

/**
 * Everything a `memory://` broker holds: queues, consumers, the control and event planes and the one
 * scheduler timer. `MemoryBroker` handles share one state per name, so a producer app and a
 * worker app in one process see the same queues while each closes independently.
 */
export class MemoryBrokerState {
  private static readonly byName = new Map<string, MemoryBrokerState>();

  /** The process-wide state for `name`, created on first use. */
  static shared(name: string): MemoryBrokerState {
    let state = MemoryBrokerState.byName.get(name);
    if (!state) {
      state = new MemoryBrokerState();
      MemoryBrokerState.byName.set(name, state);
    }
    return state;
  }

  /** Remote control and events, shared by every handle of this state. */
  readonly planes = new MemoryPlanes();
  private readonly queues = new Map<string, MemoryQueue>();
  private readonly consumers: MemoryConsumerSlot[] = [];
  private readonly scheduler = new MemoryScheduler();
  /** Unsettled deliveries and their queue; swept for passed deadlines (one timer entry, not one each). */
  private readonly inFlight = new Map<StoredMessage, string>();
  private sweepAt = Number.POSITIVE_INFINITY;
  private users = 0;
  private nextConsumer = 0;
  private dispatchPending = false;

  /** A connected broker handle starts using this state; the first one arms the timer. */
  attach(): void {
    if (this.users++ === 0) this.scheduler.start();
  }

  /** A handle closed; the last one disarms the timer so nothing keeps the process alive. */
  detach(): void {
    if (--this.users === 0) this.scheduler.stop();
  }

  /** The queue named `name`, created on first use (like kombu's virtual transports). */
  queue(name: string): MemoryQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new MemoryQueue();
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Put a message on `queue`, now or after `delayMs`. */
  put(queue: string, message: StoredMessage, delayMs: number): void {
    const target = this.queue(queue);
    if (delayMs > 0) {
      const dueAt = performance.now() + delayMs;
      target.hold(message, dueAt);
      this.scheduler.schedule(dueAt, () => {
        if (message.status === 'delayed' && message.dueAt === dueAt) {
          target.enqueue(message);
          this.dispatchSoon();
        }
      });
      return;
    }
    target.enqueue(message);
    this.dispatchSoon();
  }

  /** Push an in-flight message's deadline to `ms` from now. */
  extend(message: StoredMessage, generation: number, ms: number): void {
    if (!isHeld(message, generation)) return;
    message.deadline = performance.now() + ms;
  }

  /** The delivery of `message` was settled (acked, requeued, dead-lettered): stop watching it. */
  settled(message: StoredMessage): void {
    this.inFlight.delete(message);
  }

  /** Start handing messages to `consumer`. */
  addConsumer(consumer: MemoryConsumerSlot): void {
    this.consumers.push(consumer);
    this.dispatchSoon();
  }

  /** Stop handing messages to `consumer`. */
  removeConsumer(consumer: MemoryConsumerSlot): void {
    const index = this.consumers.indexOf(consumer);
    if (index >= 0) this.consumers.splice(index, 1);
  }

  /** Something changed (a message became ready, a slot freed up): match work to consumers soon. */
  dispatchSoon(): void {
    if (this.dispatchPending) return;
    this.dispatchPending = true;
    queueMicrotask(() => this.dispatch());
  }

  /**
   * Hand ready messages to consumers with room, one message per consumer per turn, starting after
   * the last one served: competing consumers share work instead of the first one taking it all.
   */
  private dispatch(): void {
    this.dispatchPending = false;
    for (;;) {
      const count = this.consumers.length;
      let served = false;
      for (let step = 0; step < count && !served; step++) {
        const index = (this.nextConsumer + step) % count;
        const consumer = this.consumers[index] as MemoryConsumerSlot;
        if (!consumer.hasRoom()) continue;
        for (const name of consumer.queues) {
          const message = this.queues.get(name)?.take();
          if (!message) continue;
          this.claim(message, consumer.visibilityTimeoutMs, name);
          this.nextConsumer = (index + 1) % count;
          consumer.deliver(name, message);
          served = true;
          break;
        }
      }
      if (!served) return;
    }
  }

  private claim(message: StoredMessage, visibilityTimeoutMs: number, queue: string): void {
    message.status = 'in-flight';
    message.deliveryCount++;
    message.generation++;
    message.deadline = performance.now() + visibilityTimeoutMs;
    this.inFlight.set(message, queue);
    if (message.deadline < this.sweepAt) this.scheduleSweep(message.deadline);
  }

  /** When a deadline passes with the delivery unsettled, its consumer is presumed dead: requeue. */
  private sweep(): void {
    this.sweepAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [message, queue] of this.inFlight) {
      if (message.status !== 'in-flight') this.inFlight.delete(message);
      else if (message.deadline <= now) {
        this.inFlight.delete(message);
        this.put(queue, message, 0);
      } else next = Math.min(next, message.deadline);
    }
    if (next < Number.POSITIVE_INFINITY) this.scheduleSweep(next);
  }

  private scheduleSweep(at: number): void {
    this.sweepAt = at;
    this.scheduler.schedule(at, () => {
      // A later claim may have scheduled an earlier sweep; only the current one runs.
      if (this.sweepAt === at) this.sweep();
    });
  }
}

/** True while the delivery of `generation` is the unsettled, current one. */
export function isHeld(message: StoredMessage, generation: number): boolean {
  return message.status === 'in-flight' && message.generation === generation;
}
