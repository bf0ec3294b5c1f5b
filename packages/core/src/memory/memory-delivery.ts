import type { MessageDecodeError } from '../errors/message-decode-error.js';
import type { Delivery, NackOptions } from '../spec/broker.js';
import type { TaskMessage } from '../spec/task-message.js';
import { isHeld, type MemoryBrokerState } from './memory-broker-state.js';
import type { StoredMessage } from './memory-queue.js';

/** What a consumer decoded from the stored bytes. */
export interface DecodedMessage {
  message: TaskMessage | undefined;
  decodeError: MessageDecodeError | undefined;
}

/** What `ack()` returns: the ack is done when it returns (a promise each would only feed the GC). */
const SETTLED = Promise.resolve();

/**
 * One delivery of a stored message. Settling is a no-op once this delivery is settled or stale
 * (its visibility deadline passed and the message went back to the queue).
 */
export class MemoryDelivery implements Delivery {
  readonly message: TaskMessage | undefined;
  readonly decodeError: MessageDecodeError | undefined;
  readonly raw: Uint8Array;
  readonly deliveryCount: number;
  private readonly generation: number;

  constructor(
    private readonly state: MemoryBrokerState,
    readonly queue: string,
    private readonly stored: StoredMessage,
    decoded: DecodedMessage,
    readonly visibilityTimeoutMs: number,
  ) {
    this.message = decoded.message;
    this.decodeError = decoded.decodeError;
    // A copy: a handler scribbling on its bytes must not change what a redelivery sees.
    this.raw = stored.raw.slice();
    this.deliveryCount = stored.deliveryCount;
    this.generation = stored.generation;
  }

  ack(): Promise<void> {
    if (this.settle()) this.stored.status = 'gone';
    return SETTLED;
  }

  async nack(options: NackOptions = {}): Promise<void> {
    if (!this.settle()) return;
    if (options.requeue === false) {
      this.stored.status = 'gone';
      return;
    }
    // A deliberate return: the next delivery keeps this one's count (see `Delivery.deliveryCount`).
    this.stored.deliveryCount--;
    this.state.put(this.queue, this.stored, options.delayMs ?? 0);
  }

  async deadLetter(reason: string): Promise<void> {
    if (!this.settle()) return;
    this.stored.status = 'gone';
    this.state.queue(this.queue).deadLetters.push({ raw: this.stored.raw, reason, queue: this.queue });
  }

  async extendVisibility(ms: number): Promise<void> {
    this.state.extend(this.stored, this.generation, ms);
  }

  /** True exactly once, for the current unsettled delivery. */
  private settle(): boolean {
    if (!isHeld(this.stored, this.generation)) return false;
    // Marked so a second settle call sees it as settled even before the caller picks a fate.
    this.stored.status = 'gone';
    this.state.settled(this.stored);
    return true;
  }
}
