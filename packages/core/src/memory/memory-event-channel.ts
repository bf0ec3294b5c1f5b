import type { EventChannel, PlaneMessage } from '../spec/control-channel.js';
import type { MemoryPlanes, MemorySubscriber } from './memory-planes.js';

/**
 * Events on `memory://`: published events reach every subscriber on a handle of the same name
 * whose AMQP topic pattern matches; nothing is kept for later. One per broker handle, which
 * unsubscribes on close.
 */
export class MemoryEventChannel implements EventChannel {
  private readonly subscribers = new Set<MemorySubscriber>();

  constructor(private readonly planes: () => MemoryPlanes) {}

  async publish(routingKey: string, event: PlaneMessage): Promise<void> {
    this.planes().publish(routingKey, event);
  }

  async subscribe(pattern: string, handler: (routingKey: string, event: PlaneMessage) => void): Promise<() => Promise<void>> {
    const planes = this.planes();
    const subscriber = { pattern, handler };
    planes.subscribers.add(subscriber);
    this.subscribers.add(subscriber);
    return async () => {
      planes.subscribers.delete(subscriber);
      this.subscribers.delete(subscriber);
    };
  }

  /** The broker handle closed: drop its subscriptions. */
  close(): void {
    const planes = this.planes();
    for (const subscriber of this.subscribers) planes.subscribers.delete(subscriber);
    this.subscribers.clear();
  }
}
