import type { TqError } from '../errors/tq-error.js';

/** Counts free concurrency slots; waiters can be cancelled (warm shutdown). */
export class Semaphore {
  private readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(private free: number) {}

  /** Take a slot if one is free now (no promise: this is the hot path). */
  tryAcquire(): boolean {
    if (this.free <= 0) return false;
    this.free--;
    return true;
  }

  /** Wait for a slot. */
  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Give a slot back (to the first waiter, if any). */
  release(): void {
    const next = this.waiters.shift();
    if (next) next.resolve();
    else this.free++;
  }

  /** More slots (`delta` > 0) or fewer (< 0: taken ones are not given back until enough are free). */
  resize(delta: number): void {
    if (delta < 0) this.free += delta;
    else for (let i = 0; i < delta; i++) this.release();
  }

  /** Reject every waiter with `error` (they will not get a slot). */
  cancelWaiters(error: TqError): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}
