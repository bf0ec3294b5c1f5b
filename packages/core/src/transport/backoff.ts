/**
 * For transports: the delays of a retry loop (reconnect, a failed claim or receive) — `firstMs`,
 * then doubling, capped at `maxMs`; `reset()` after a success. One rule instead of a formula per
 * transport.
 *
 * @example
 * const backoff = new Backoff(50, 1000);
 * for (;;) { try { await claim(); backoff.reset(); } catch { await sleep(backoff.next()); } }
 */
export class Backoff {
  private current = 0;

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
  ) {}

  /** The next delay: `firstMs`, then twice the previous one, never above `maxMs`. */
  next(): number {
    this.current = this.current === 0 ? this.firstMs : Math.min(this.current * 2, this.maxMs);
    return this.current;
  }

  /** Start again from `firstMs` (the operation succeeded). */
  reset(): void {
    this.current = 0;
  }
}
