import type { DeadLetter } from '../spec/broker.js';
import { Fifo } from './fifo.js';

/** Priority levels: 0..9, 9 runs first (tq's direction). */
export const PRIORITY_LEVELS = 10;

/** One message as the memory broker holds it: the encoded envelope plus bookkeeping. */
export interface StoredMessage {
  /** The kombu JSON envelope as UTF-8 bytes (or whatever `publishRaw` injected). */
  readonly raw: Uint8Array;
  /** 0..9. */
  readonly priority: number;
  /** Deliveries so far that ended unsettled, plus the current one (a requeue takes its own back). */
  deliveryCount: number;
  /** `gone` once acked, dropped, dead-lettered or purged. */
  status: 'ready' | 'delayed' | 'in-flight' | 'gone';
  /** Monotonic time a delayed message becomes ready. */
  dueAt: number;
  /** Monotonic time an in-flight message returns to the queue. */
  deadline: number;
  /** Bumped on every delivery, so a stale `Delivery` cannot settle a later one. */
  generation: number;
}

/** One named queue: ready messages by priority, delayed ones, and its dead letters. */
export class MemoryQueue {
  private readonly levels = Array.from({ length: PRIORITY_LEVELS }, () => new Fifo<StoredMessage>());
  private readonly delayed = new Set<StoredMessage>();
  /** Parked messages, oldest first. */
  readonly deadLetters: DeadLetter[] = [];

  /** Ready + delayed (what `Broker.size` counts; in-flight messages are not waiting). */
  get size(): number {
    return this.ready + this.delayed.size;
  }

  /** Deliverable now, every priority. */
  get ready(): number {
    let ready = 0;
    for (const level of this.levels) ready += level.length;
    return ready;
  }

  /** Held back until due. */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Make a message ready, behind the others of its priority. */
  enqueue(message: StoredMessage): void {
    message.status = 'ready';
    this.delayed.delete(message);
    (this.levels[message.priority] as Fifo<StoredMessage>).push(message);
  }

  /** Hold a message back until `dueAt`; the broker state's scheduler calls `enqueue` then. */
  hold(message: StoredMessage, dueAt: number): void {
    message.status = 'delayed';
    message.dueAt = dueAt;
    this.delayed.add(message);
  }

  /** The next ready message: highest priority first, FIFO within a priority. */
  take(): StoredMessage | undefined {
    for (let priority = PRIORITY_LEVELS - 1; priority >= 0; priority--) {
      const message = (this.levels[priority] as Fifo<StoredMessage>).shift();
      if (message) return message;
    }
    return undefined;
  }

  /** Drop every waiting (ready or delayed) message; returns how many. */
  purge(): number {
    let removed = 0;
    for (const level of this.levels) {
      for (const message of level.clear()) {
        message.status = 'gone';
        removed++;
      }
    }
    for (const message of this.delayed) message.status = 'gone';
    removed += this.delayed.size;
    this.delayed.clear();
    return removed;
  }
}
