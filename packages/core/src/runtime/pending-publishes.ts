import { BrokerConnectionError } from '../errors/broker-connection-error.js';
import { TqError } from '../errors/tq-error.js';

/** How often the deadlines of pending publishes are checked. */
const SWEEP_MS = 250;

interface Pending {
  deadline: number;
  operation: string;
  reject: (error: unknown) => void;
}

/**
 * Publishes are loud and bounded: one that the broker has not confirmed within `timeoutMs` rejects
 * with a `BrokerConnectionError` naming the broker (a driver may queue commands while it reconnects
 * and never say so), and a driver's own error becomes a `BrokerConnectionError` naming the broker,
 * the original kept as `cause`. One sweep timer for all pending publishes, not one per message.
 */
export class PendingPublishes {
  private readonly pending = new Set<Pending>();
  private timer: NodeJS.Timeout | undefined;

  /** @param where names the broker in errors, e.g. `RedisBroker at 10.0.0.5:6379` (asked when needed: an address may be known only once connected). */
  constructor(
    private readonly where: () => string,
    private readonly timeoutMs: number,
  ) {}

  /** `sending`, rejected with a clear error when it fails or takes longer than the timeout. */
  bound(operation: string, sending: Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry: Pending = { deadline: Date.now() + this.timeoutMs, operation, reject };
      this.pending.add(entry);
      this.timer ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
      sending.then(
        () => {
          this.pending.delete(entry);
          resolve();
        },
        (error: unknown) => {
          this.pending.delete(entry);
          reject(this.translate(operation, error));
        },
      );
    });
  }

  /** Stop the sweep (the broker closed). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    const now = Date.now();
    for (const entry of this.pending) {
      if (entry.deadline > now) continue;
      this.pending.delete(entry);
      entry.reject(
        new BrokerConnectionError(
          `${this.where()} did not confirm ${entry.operation}() within ${this.timeoutMs} ms: is it reachable? (publishTimeoutMs; the message may still arrive)`,
        ),
      );
    }
    if (this.pending.size === 0) this.stop();
  }

  /** tq's own errors pass unchanged; a driver's error is a connection error naming the broker. */
  private translate(operation: string, error: unknown): unknown {
    if (TqError.is(error)) return error;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new BrokerConnectionError(`${this.where()}: ${operation}() failed (${message})`, { cause: error });
  }
}
