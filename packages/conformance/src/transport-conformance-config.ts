import type { Broker, ResultBackend } from '@tq/core';

/** What the broker factory is asked for. */
export interface BrokerFactoryOptions {
  /**
   * The visibility timeout the broker must use where it has one: short in the broker suite (so
   * redelivery tests end quickly), longer in the task suite.
   */
  visibilityTimeoutMs: number;
}

/**
 * A result backend of ANOTHER transport that this broker is shipped with (Kafka and SQS store no
 * results; RabbitMQ also pairs with Redis). Only the task suite runs with it: the backend's own
 * suites run in its own transport's file.
 */
export interface PairedBackend {
  /** Names the combination: the task suite is called `<name>+<this name>`, e.g. `kafka+redis`. */
  name: string;
  /** A new, unconnected backend; every one must reach the same storage. */
  createBackend(): ResultBackend;
  /**
   * Why this pairing cannot run in this run (e.g. its server was not selected by `TRANSPORTS`).
   * The task suite is then registered as skipped with this reason, never silently omitted.
   */
  unavailable?: string;
}

/**
 * How a transport joins the conformance suites: factories and nothing else. Everything the suites
 * need to know about the transport (what to run, what to skip) is READ from the objects the
 * factories build — their `capabilities` — never declared twice. Constructors do no I/O (spec), so
 * one broker and one backend are built at registration time just to read them.
 *
 * What gets registered:
 * - `createBroker`: the broker suite and the broker lifecycle suite;
 * - `createBackend`: the result backend suite and the backend lifecycle suite;
 * - both, or a broker and `pairWith`: the task suite, once per broker + backend combination.
 *
 * The restart suite is registered by `restartConformance`, from a file that runs alone.
 */
export interface TransportConformanceConfig {
  /** Shown in suite names, e.g. `memory`, `redis`, `amqp-classic`, `sqs-fifo`. */
  name: string;
  /**
   * A new, unconnected broker of the transport. Every broker it returns must reach the SAME broker
   * (server, or shared in-process instance): competing consumers, redelivery and the task suite's
   * producer and worker use several. Honour `visibilityTimeoutMs` where the transport has one.
   */
  createBroker?(options: BrokerFactoryOptions): Broker;
  /**
   * A new, unconnected result backend of the transport. With `capabilities.shared`, every backend
   * it returns must reach the same storage (the chord counter is raced across two of them).
   */
  createBackend?(): ResultBackend;
  /** Names the transport's own backend in the task suite's name (`amqp+rpc`). Default: `name`. */
  backendName?: string;
  /** Backends of other transports the broker is shipped with: the task suite runs with each. */
  pairWith?: readonly PairedBackend[];
  /**
   * Puts bytes on a queue exactly as given (no encoding, no checks), for the poison-message tests
   * (skipped without it). `broker` is the transport's own broker (connected), not core's wrapper.
   */
  publishRaw?(broker: Broker, queue: string, raw: Uint8Array | string): Promise<void>;
  /** Runs after each broker or task test with the queues it used (delete them, say). */
  cleanup?(queues: readonly string[]): void | Promise<void>;
  /** Runs after each backend test with the task, group and chord ids it used. */
  cleanupResults?(ids: readonly string[]): void | Promise<void>;
  /** Visibility timeout of the broker suite's brokers. Default 500 ms; raise it for coarse brokers (SQS counts seconds). */
  visibilityTimeoutMs?: number;
  /** Visibility timeout of the task suite's (and restart suite's) brokers. Default 2000 ms. */
  taskVisibilityTimeoutMs?: number;
  /** How late a delayed message may arrive. Default: the broker suite's own bound. */
  delayToleranceMs?: number;
  /**
   * Volume of the reliability tests at scale. Default 2000 messages over 24 consumers; lower it
   * only where the broker cannot take that many consumers at once.
   */
  volume?: { messages?: number; consumers?: number };
}
