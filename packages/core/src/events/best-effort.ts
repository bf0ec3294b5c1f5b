import type { Logger } from 'pino';

/**
 * Runs event publishes in the background, best effort: a failure is logged as a warning at most
 * once per `warnIntervalMs` (a broker that is down would otherwise log a line per task; the next
 * warning says how many were left out) and never reaches the caller. `settled()` waits for what is
 * in flight, so a closing worker or app sends its last events before its broker closes.
 */
export class BestEffort {
  private readonly pending = new Set<Promise<void>>();
  private lastWarnAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  /** @param warnIntervalMs least time between two warnings. Default 30 s: a few lines per outage. */
  constructor(
    private readonly logger: Logger,
    private readonly warnIntervalMs = 30_000,
  ) {}

  /** Start `publish` on the next microtask; the promise settles when it is done and never rejects. */
  run(what: string, publish: () => Promise<void>): Promise<void> {
    const done: Promise<void> = Promise.resolve()
      .then(publish)
      .catch((error: unknown) => this.failed(what, error))
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
    return done;
  }

  /** Resolves once every publish started so far has settled. */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }

  /** Record that `what` (`worker-heartbeat`, `3 task events`) could not be sent. */
  failed(what: string, error: unknown): void {
    const now = performance.now();
    if (now - this.lastWarnAt < this.warnIntervalMs) {
      this.suppressed++;
      return;
    }
    this.lastWarnAt = now;
    this.logger.warn({ err: error, suppressed: this.suppressed }, `could not publish ${what}; events are dropped until it works again`);
    this.suppressed = 0;
  }
}
