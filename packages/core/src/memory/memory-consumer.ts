import { MessageDecodeError } from '../errors/message-decode-error.js';
import { fromEnvelope } from '../protocol/index.js';
import type { DeliveryHandler, Subscription } from '../spec/broker.js';
import { handOff } from '../transport/hand-off.js';
import type { MemoryBrokerState, MemoryConsumerSlot } from './memory-broker-state.js';
import { type DecodedMessage, MemoryDelivery } from './memory-delivery.js';
import type { StoredMessage } from './memory-queue.js';

/** What a consumer needs besides the state. */
export interface MemoryConsumerConfig {
  queues: readonly string[];
  handler: DeliveryHandler;
  prefetch: number;
  visibilityTimeoutMs: number;
  /** Called once when the consumer closes (the broker forgets it). */
  onClose: (consumer: MemoryConsumer) => void;
}

/**
 * One `consume()` call: runs the handler for each delivery, at most `prefetch` unsettled handler
 * promises at a time. Closing stops new deliveries; deliveries already handed out stay settleable
 * and, if never settled, come back after the visibility timeout like on any real broker.
 */
export class MemoryConsumer implements Subscription, MemoryConsumerSlot {
  readonly queues: readonly string[];
  readonly visibilityTimeoutMs: number;
  private running = 0;
  private closed = false;

  constructor(
    private readonly state: MemoryBrokerState,
    private readonly config: MemoryConsumerConfig,
  ) {
    this.queues = config.queues;
    this.visibilityTimeoutMs = config.visibilityTimeoutMs;
  }

  hasRoom(): boolean {
    return !this.closed && this.running < this.config.prefetch;
  }

  deliver(queue: string, message: StoredMessage): void {
    this.running++;
    const delivery = new MemoryDelivery(this.state, queue, message, decode(message.raw), this.visibilityTimeoutMs);
    // The handler runs in a microtask: never inside the dispatch loop. A rejecting handler is a bug
    // in the caller (the worker's never rejects); it surfaces as an unhandled rejection, not silence.
    handOff(this.config.handler, delivery, this.handled);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;

    this.state.removeConsumer(this);
    this.config.onClose(this);
  }

  private readonly handled = (): void => {
    this.running--;
    this.state.dispatchSoon();
  };
}

function decode(raw: Uint8Array): DecodedMessage {
  try {
    return { message: fromEnvelope(raw), decodeError: undefined };
  } catch (error) {
    const decodeError = error instanceof MessageDecodeError ? error : new MessageDecodeError(String(error), { cause: error });
    return { message: undefined, decodeError };
  }
}
