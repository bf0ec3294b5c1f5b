import type { BackendCapabilities, ResultBackend } from '@tq/core';

/**
 * What the backend suites get, built by `transportConformance` from the transport's factory (the
 * one public entry point).
 */
export interface BackendConformanceConfig {
  /** Shown in the suite name, e.g. `memory`, `redis`. */
  name: string;
  /** The capabilities, read from a backend the factory built at registration; the suite checks and probes them. */
  capabilities: BackendCapabilities;
  /**
   * A new, unconnected backend. With `capabilities.shared`, every backend it returns must reach
   * the same storage (the chord counter is raced across two of them).
   */
  createBackend(): ResultBackend;
  /** Runs after each test with the task, group and chord ids it used. */
  cleanup?(ids: readonly string[]): void | Promise<void>;
  /** True when the suite runs several times at once (TQ_STRESS): checks of process-wide state are off. */
  stressed: boolean;
}
