import type { BackendCapabilities, ResultBackend } from '@tq/core';

/** How a result backend joins the backend conformance suite. */
export interface BackendConformanceConfig {
  /** Shown in the suite name, e.g. `memory`, `redis`. */
  name: string;
  /** The capabilities the backend declares; the suite checks them and probes every declared one. */
  capabilities: BackendCapabilities;
  /**
   * A new, unconnected backend. With `capabilities.shared`, every backend it returns must reach
   * the same storage (the chord counter is raced across two of them).
   */
  createBackend(): ResultBackend | Promise<ResultBackend>;
  /** Runs after each test with the task, group and chord ids it used. */
  cleanup?(ids: readonly string[]): void | Promise<void>;
}
