import type { App } from '@tq/core';

/**
 * What the transport under test can do, declared up front so the suite knows what to skip before
 * any app exists. Every flag defaults to `true` (what `memory://` offers); each gated test checks
 * that the real broker or backend agrees, so a wrong declaration fails instead of hiding tests.
 */
export interface TaskConformanceCapabilities {
  /** The broker delays messages (countdown, eta, retry backoff). */
  delay?: boolean;
  /** The broker has priorities. */
  priority?: boolean;
  /** The broker parks rejected messages with `deadLetters(queue)`. */
  deadLetter?: boolean;
  /** The broker fans revokes out to running workers (`control`), so revoke can terminate. */
  broadcast?: boolean;
  /** The result backend counts chord parts atomically, so `chord()` works. */
  atomicCounters?: boolean;
  /**
   * Puts bytes on a queue exactly as given (no encoding, no checks), for the poison-message tests
   * (skipped without it). The memory transport passes its `publishRaw`.
   */
  publishRaw?(app: App, queue: string, raw: Uint8Array | string): Promise<void>;
}

/** How a transport joins the task-level conformance suite. */
export interface TaskConformanceConfig {
  /** Shown in the suite name, e.g. `memory`, `redis`. */
  name: string;
  /**
   * A new app whose broker and result backend are the transport under test. Called once or more
   * per test; every app must reach the same broker and backend (a worker of one app runs what
   * another sent). The suite defines its tasks on it, uses unique queue names, and closes it.
   */
  createApp(): App | Promise<App>;
  /** What the transport declares; see {@link TaskConformanceCapabilities}. */
  capabilities?: TaskConformanceCapabilities;
  /** Runs after each test with the queues it used (delete them, say). */
  cleanup?(queues: readonly string[]): void | Promise<void>;
}

/** The declared capabilities with their defaults filled in. */
export type ResolvedCapabilities = Required<Omit<TaskConformanceCapabilities, 'publishRaw'>> &
  Pick<TaskConformanceCapabilities, 'publishRaw'>;

/** Fills in the defaults of {@link TaskConformanceCapabilities}. */
export function resolveCapabilities(caps: TaskConformanceCapabilities = {}): ResolvedCapabilities {
  return {
    delay: caps.delay ?? true,
    priority: caps.priority ?? true,
    deadLetter: caps.deadLetter ?? true,
    broadcast: caps.broadcast ?? true,
    atomicCounters: caps.atomicCounters ?? true,
    publishRaw: caps.publishRaw,
  };
}
