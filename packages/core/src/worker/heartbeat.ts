import type { Logger } from 'pino';
import type { Delivery } from '../spec/broker.js';

/**
 * Keeps the worker's held deliveries (waiting for an eta, a rate limit or a slot, or running)
 * invisible to other consumers: one timer for the whole worker, extending each every third of the
 * shortest visibility timeout seen, rather than a timer per delivery.
 */
export class Heartbeat {
  private readonly held = new Set<Delivery>();
  private timer: NodeJS.Timeout | undefined;
  private everyMs = Number.POSITIVE_INFINITY;

  constructor(private readonly logger: Logger) {}

  /** Start extending `delivery` (a no-op for brokers without per-message deadlines). */
  hold(delivery: Delivery): void {
    const timeout = delivery.visibilityTimeoutMs;
    if (!delivery.extendVisibility || !timeout) return;
    this.held.add(delivery);
    if (timeout / 3 < this.everyMs) this.restart(timeout / 3);
  }

  /** Stop extending `delivery`: it was settled. */
  release(delivery: Delivery): void {
    this.held.delete(delivery);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private restart(everyMs: number): void {
    this.stop();
    this.everyMs = everyMs;
    this.timer = setInterval(() => this.beat(), everyMs);
    this.timer.unref();
  }

  private beat(): void {
    for (const delivery of this.held) {
      delivery
        .extendVisibility?.(delivery.visibilityTimeoutMs as number)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'could not extend visibility'));
    }
  }
}
