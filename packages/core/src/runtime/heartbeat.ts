import type { Logger } from 'pino';
import type { Delivery } from '../spec/broker.js';

/**
 * Keeps held deliveries (waiting for an eta, a rate limit or a slot, or running) invisible to
 * other consumers: one timer for all of them, extending each every third of the shortest
 * visibility timeout seen, rather than a timer per delivery. The runtime broker is its only user:
 * transports do not extend deliveries themselves (one owner of liveness).
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
    if (this.timer === undefined || timeout / 3 < this.everyMs) this.restart(Math.min(timeout / 3, this.everyMs));
  }

  /** Stop extending `delivery`: it was settled. The timer stops with the last one. */
  release(delivery: Delivery): void {
    if (!this.held.delete(delivery) || this.held.size > 0) return;
    this.stop();
  }

  /** Stop the timer (held deliveries are no longer extended). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.everyMs = Number.POSITIVE_INFINITY;
  }

  private restart(everyMs: number): void {
    clearInterval(this.timer);
    this.everyMs = everyMs;
    this.timer = setInterval(() => this.beat(), everyMs);
    this.timer.unref();
  }

  /** Extend every held delivery; failures (a broker outage) are logged once per beat, not once per delivery. */
  private beat(): void {
    const beats = [...this.held].map((delivery) => delivery.extendVisibility?.(delivery.visibilityTimeoutMs as number));
    void Promise.allSettled(beats).then((settled) => {
      const failed = settled.filter((outcome) => outcome.status === 'rejected');
      if (failed.length === 0) return;
      const err = (failed[0] as PromiseRejectedResult).reason;
      this.logger.warn({ err, failed: failed.length, held: settled.length }, 'could not extend the visibility of held deliveries');
    });
  }
}
