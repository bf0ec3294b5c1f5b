/**
 * Celery's logical clock (`kombu.clocks.LamportClock`, spec §8.3): one per process side, shared
 * by remote control and events, so monitors can order messages from hosts whose wall clocks
 * disagree. Sending ticks it; receiving a remote value moves it past that value.
 */
export class LamportClock {
  private current: number;

  /** @param initial starting value; default 0, as in Celery (a fresh process knows nothing yet). */
  constructor(initial = 0) {
    this.current = initial;
  }

  /** The current value, without advancing it. */
  get value(): number {
    return this.current;
  }

  /** Advance for a local event (a message about to be sent) and return the new value (Celery's `forward()`). */
  tick(): number {
    this.current += 1;
    return this.current;
  }

  /**
   * Merge a clock value received from another process: the clock becomes `max(local, remote) + 1`
   * and that value is returned (Celery's `adjust()`). Non-finite or non-numeric values are ignored
   * (the clock still ticks), since a foreign producer's bad header must not corrupt ours.
   */
  observe(remote: number): number {
    const other = Number.isFinite(remote) ? Math.trunc(remote) : 0;
    this.current = Math.max(this.current, other) + 1;
    return this.current;
  }
}
