/**
 * The logical clock remote control keeps (Celery's Lamport clock, spec §8.3): the app's
 * `LamportClock` fits. Declared here, structurally, so remote control depends on no event code.
 */
export interface LogicalClock {
  /** The current value. */
  readonly value: number;
  /** Advance for a message about to be sent; returns the new value. */
  tick(): number;
  /** Move past a value received from another process; returns the new value. */
  observe(remote: number): number;
}
