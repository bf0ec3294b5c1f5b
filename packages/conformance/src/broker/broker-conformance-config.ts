import type { Broker, BrokerCapabilities } from '@tq/core';

/** How a transport joins the broker conformance suite. */
export interface BrokerConformanceConfig {
  /** Shown in the suite name, e.g. `memory`, `redis`. */
  name: string;
  /**
   * The capabilities the transport declares (needed before any broker exists, to decide what to
   * skip). The suite checks the brokers really report these and probes every declared one.
   */
  capabilities: BrokerCapabilities;
  /**
   * A new, unconnected broker. Every broker it returns must reach the SAME broker (server or
   * shared in-process instance): competing consumers and redelivery use two of them.
   * `visibilityTimeoutMs` is short on purpose; honour it where the transport has one.
   */
  createBroker(options: { visibilityTimeoutMs: number }): Broker | Promise<Broker>;
  /** Runs after each test with the queues it used (delete them, say). */
  cleanup?(queues: readonly string[]): void | Promise<void>;
  /**
   * Puts bytes on a queue exactly as given, for the poison-message test (skipped without it).
   * The memory transport passes its `publishRaw`; others can write to the queue with their driver.
   */
  publishRaw?(broker: Broker, queue: string, raw: Uint8Array | string): Promise<void>;
  /** Visibility timeout given to `createBroker`. Default 500 ms; raise it for coarse brokers (SQS counts seconds). */
  visibilityTimeoutMs?: number;
  /** How late a delayed message may arrive. Default 50 ms. */
  delayToleranceMs?: number;
}
