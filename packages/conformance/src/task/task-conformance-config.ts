import type { App, BackendCapabilities, BrokerCapabilities } from '@tq/core';

/**
 * What the task suite may run, READ from the broker and backend objects of the combination under
 * test (never declared by hand, so it cannot drift from what the transport does). Each gated test
 * also checks the live app's broker or backend agrees.
 */
export interface ResolvedCapabilities {
  /** The broker delays messages (countdown, eta, retry backoff). */
  delay: boolean;
  /** The broker has priorities. */
  priority: boolean;
  /** The broker parks rejected messages with `deadLetters(queue)`. */
  deadLetter: boolean;
  /** A message whose consumer died unsettled comes back (`BrokerCapabilities.visibilityTimeout`). */
  redelivers: boolean;
  /** A requeue keeps the delivery count (false on SQS FIFO: see `BrokerCapabilities.requeueCountsAsDelivery`). */
  requeueKeepsCount: boolean;
  /** The broker carries remote control (`control`): revoke can terminate, and workers answer `inspect`/`control` commands. */
  broadcast: boolean;
  /** The broker carries Celery events (`events`): worker heartbeats and task events reach monitors. */
  events: boolean;
  /** The result backend counts chord parts atomically, so `chord()` works. */
  atomicCounters: boolean;
  /**
   * A worker started after a revoke learns of it: the backend keeps revokes (`revokes`), or the
   * broker has no broadcast, so workers read REVOKED from the shared backend for every task.
   */
  lateRevoke: boolean;
  /** The result backend claims task ids atomically, so `applyAsync({ deduplicate: true })` works (refused otherwise). */
  claims: boolean;
  /**
   * Puts bytes on a queue exactly as given (no encoding, no checks), for the poison-message tests
   * (skipped without it). From the transport's `publishRaw` hook, not a capability of its own.
   */
  publishRaw?(app: App, queue: string, raw: Uint8Array | string): Promise<void>;
}

/** What the task suite gets, built by `transportConformance` from the transport's factories. */
export interface TaskConformanceConfig {
  /** Shown in the suite name: the combination, e.g. `memory+memory`, `kafka+redis`. */
  name: string;
  /**
   * A new app whose broker and result backend are the combination under test. Called once or
   * more per test; every app must reach the same broker and backend (a worker of one app runs what
   * another sent). The suite defines its tasks on it, uses unique queue names, and closes it.
   */
  createApp(): App;
  /** Read from the objects; see {@link ResolvedCapabilities}. */
  capabilities: ResolvedCapabilities;
  /** Runs after each test with the queues it used (delete them, say). */
  cleanup?(queues: readonly string[]): void | Promise<void>;
}

/** The task suite's view of a broker and a backend's capabilities. */
export function resolveCapabilities(
  broker: BrokerCapabilities,
  backend: BackendCapabilities,
  publishRaw?: ResolvedCapabilities['publishRaw'],
): ResolvedCapabilities {
  return {
    delay: broker.delay !== false,
    priority: broker.priority !== false,
    deadLetter: broker.deadLetter,
    redelivers: broker.visibilityTimeout,
    requeueKeepsCount: broker.requeueCountsAsDelivery !== true,
    broadcast: broker.broadcast,
    events: broker.events,
    atomicCounters: backend.atomicCounters,
    lateRevoke: backend.revokes || (!broker.broadcast && backend.shared),
    claims: backend.claims,
    ...(publishRaw ? { publishRaw } : {}),
  };
}
