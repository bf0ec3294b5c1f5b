import type { Broker, BrokerCapabilities } from '@tq/core';

/**
 * What the broker suites get, built by `transportConformance` from the transport's factory (the
 * one public entry point).
 */
export interface BrokerConformanceConfig {
  /** Shown in the suite name, e.g. `memory`, `redis`. */
  name: string;
  /**
   * The capabilities, read from a broker the factory built at registration (to decide what to
   * skip). The suite checks every broker really reports these and probes every declared one.
   */
  capabilities: BrokerCapabilities;
  /**
   * A new, unconnected broker. Every broker it returns must reach the SAME broker (server or
   * shared in-process instance): competing consumers and redelivery use two of them.
   * `visibilityTimeoutMs` is short on purpose; honour it where the transport has one.
   */
  createBroker(options: { visibilityTimeoutMs: number }): Broker;
  /** Runs after each test with the queues it used (delete them, say). */
  cleanup?(queues: readonly string[]): void | Promise<void>;
  /**
   * Puts bytes on a queue exactly as given, for the poison-message test (skipped without it).
   * The memory transport passes its `publishRaw`; others can write to the queue with their driver.
   */
  publishRaw?(broker: Broker, queue: string, raw: Uint8Array | string): Promise<void>;
  /** Visibility timeout given to `createBroker`. Default 500 ms; raise it for coarse brokers (SQS counts seconds). */
  visibilityTimeoutMs?: number;
  /**
   * How late a delayed message may arrive, by the broker's own doing (say, whole-second delays).
   * Default 50 ms. The suite adds a fixed allowance for a loaded test machine on top.
   */
  delayToleranceMs?: number;
  /** Messages and consumers of the tests at scale. */
  volume: { messages: number; consumers: number };
  /** True when the suite runs several times at once (TQ_STRESS): checks of process-wide state are off. */
  stressed: boolean;
}
