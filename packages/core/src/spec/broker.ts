/**
 * The Broker contract: what a transport implements to move task messages.
 *
 * How to write a transport, in order:
 * 1. Implement {@link Broker} (and {@link ResultBackend} where your broker has natural storage).
 * 2. Declare {@link BrokerCapabilities} honestly: the conformance suite probes every declared one.
 * 3. Encode/decode with `@tq/core`'s protocol helpers (`toEnvelope`/`fromEnvelope` for kombu's JSON
 *    envelope) so Python Celery can share your queues; hand undecodable bytes to the worker as a
 *    {@link Delivery} with `decodeError` set, never throw them away.
 * 4. Export a {@link TransportModule} so `createApp({ broker: 'scheme://...' })` finds you.
 * 5. Run `@tq/conformance`'s suites against your real broker.
 */
import type { MessageDecodeError } from '../errors/message-decode-error.js';
import type { ControlChannel, EventChannel } from './control-channel.js';
import type { TaskMessage } from './task-message.js';

/** What a broker can do, as data. Core reads it; asking for a missing capability throws `UnsupportedCapabilityError`. */
export interface BrokerCapabilities {
  /**
   * Delayed delivery (countdown/eta, retry backoff). `false`: the broker cannot hold a message back,
   * so core refuses delays with `UnsupportedCapabilityError` rather than holding them in worker memory.
   * `maxDelayMs`: the longest single delay; core re-publishes ("hops") with the remainder beyond it.
   * `emulated`: true when the transport builds delay from other primitives (say so, don't hide it).
   */
  readonly delay: { readonly maxDelayMs: number; readonly emulated: boolean } | false;
  /**
   * Priorities. `levels`: how many (0..levels-1), always in tq's direction: higher runs first.
   * `false`: `priority` in publish options throws `UnsupportedCapabilityError`.
   */
  readonly priority: { readonly levels: number } | false;
  /**
   * `per-message`: each delivery is acknowledged on its own (Redis, AMQP, SQS, memory).
   * `cumulative`: acknowledging an offset acknowledges everything before it (Kafka); the transport
   * must then only commit the highest contiguous completed offset.
   */
  readonly ack: 'per-message' | 'cumulative';
  /** Unacknowledged messages come back after `visibilityTimeoutMs` when their consumer died. */
  readonly visibilityTimeout: boolean;
  /** `Delivery.extendVisibility` exists: running tasks push their deadline out (heartbeat). */
  readonly extendVisibility: boolean;
  /** `Delivery.deadLetter` parks a message with its reason instead of dropping it. */
  readonly deadLetter: boolean;
  /** `none`; `fifo` (whole queue, one consumer); `per-key` (publish option `orderingKey`). */
  readonly ordering: 'none' | 'fifo' | 'per-key';
  /** `control` exists: Celery's remote control (pidbox): revoke, inspect, ping, shutdown... */
  readonly broadcast: boolean;
  /** `events` exists: Celery's event stream (worker heartbeats, task events) for monitors. */
  readonly events: boolean;
  /** `publishBatch` is a real batch, not a loop. */
  readonly batchPublish: boolean;
  /** Largest encoded message accepted; core rejects bigger payloads before sending, naming both sizes. */
  readonly maxMessageBytes: number;
  /**
   * True where a requeue (`nack` with requeue) adds one to `Delivery.deliveryCount` like a lost
   * delivery does: the broker counts every receive and the transport cannot re-send the message
   * without breaking its order (SQS FIFO). `maxDeliveries` then also counts warm shutdowns and
   * other deliberate returns. Absent or false everywhere else: a requeue keeps the count.
   */
  readonly requeueCountsAsDelivery?: boolean;
}

/** Per-call publish options. Core derives them from the message and the caller's options. */
export interface PublishOptions {
  /** Deliver no earlier than this many ms from now. Default 0 (now). Needs `capabilities.delay`. */
  delayMs?: number;
  /** 0–9, higher first. Default: the message's `properties.priority`. Needs `capabilities.priority`. */
  priority?: number;
  /** Messages with the same key are delivered in publish order. Needs `ordering: 'per-key'`. */
  orderingKey?: string;
}

/** A message to publish: where, what, how. */
export interface OutgoingMessage {
  queue: string;
  message: TaskMessage;
  options?: PublishOptions;
}

/** Options for `consume`. */
export interface ConsumeOptions {
  /**
   * Most deliveries whose handler promise has not settled yet. The worker passes
   * `concurrency + prefetchExtra`. Required: there is no safe default for every broker.
   */
  prefetch: number;
}

/** Options for `Delivery.nack`. */
export interface NackOptions {
  /** Put the message back (true, default) or drop it (false: use `deadLetter` to keep it). */
  requeue?: boolean;
  /** Redeliver no earlier than this. Default 0. Needs `capabilities.delay` when > 0. */
  delayMs?: number;
}

/**
 * One received message. Exactly one of `ack`, `nack` or `deadLetter` settles it; calling a second
 * one is a no-op (so shutdown and completion can race safely).
 */
export interface Delivery {
  /** The queue it came from. */
  readonly queue: string;
  /** The decoded message, or `undefined` when it could not be decoded (then `decodeError` says why). */
  readonly message: TaskMessage | undefined;
  /** Why the bytes are not a task message; the worker dead-letters such deliveries. */
  readonly decodeError: MessageDecodeError | undefined;
  /** The bytes as received (for dead-letter records and size checks). Read-only: transports may hand over their own buffer. */
  readonly raw: Uint8Array;
  /**
   * How many times this message was delivered without being settled, this delivery included: 1 the
   * first time, one more for every earlier delivery that ended with its consumer lost (a crash, a
   * closed connection, a visibility timeout that passed). A deliberate return — `nack` with
   * requeue, with or without `delayMs` — keeps the count: the next delivery reads the same number,
   * so eta hops, shutdowns and give-backs never add up. Where a broker counts returns itself,
   * the transport re-publishes deliberate returns with its own count (see the transport's docs).
   * The worker's `maxDeliveries` limit reads it.
   */
  readonly deliveryCount: number;
  /**
   * Done: remove the message for good. May resolve once the ack is queued rather than confirmed
   * (pipelined, like AMQP's basic.ack): a lost ack only means a redelivery, and `close()` waits for
   * every ack sent.
   */
  ack(): Promise<void>;
  /** Not done: requeue (optionally delayed) or drop. */
  nack(options?: NackOptions): Promise<void>;
  /** Park the message in the dead-letter place with a human-readable reason. Needs `capabilities.deadLetter`. */
  deadLetter(reason: string): Promise<void>;
  /**
   * How long this delivery stays invisible to other consumers before it is redelivered; the worker
   * extends it every third of this while the task waits and runs. Set when `capabilities.visibilityTimeout`.
   * Where liveness is per consumer rather than per message (Kafka's session), it is that timeout and
   * `extendVisibility` is absent: a live consumer keeps all its messages.
   */
  readonly visibilityTimeoutMs?: number;
  /** Push the redelivery deadline `ms` from now. Present only with `capabilities.extendVisibility`. */
  extendVisibility?(ms: number): Promise<void>;
}

/** The worker's callback. Its promise is the backpressure: at most `prefetch` run at once. */
export type DeliveryHandler = (delivery: Delivery) => Promise<void>;

/** A running consumer. */
export interface Subscription {
  /**
   * Stop fetching. Deliveries already handed to the handler stay valid and can still be
   * settled; anything fetched but not handed over goes back to the broker. Idempotent.
   */
  close(): Promise<void>;
}

/** A queue's messages by where they wait (`Broker.depth`). */
export interface QueueDepth {
  /** Deliverable now (every priority). */
  ready: number;
  /** Waiting for a countdown, eta or retry backoff to pass. */
  delayed: number;
  /** In the queue's dead-letter place; undefined where counting them is not cheap. */
  deadLetters?: number;
}

/** A message parked in the dead-letter place. */
export interface DeadLetter {
  /** The bytes as they were received. */
  raw: Uint8Array;
  /** Why it was parked. */
  reason: string;
  /** The queue it was consumed from. */
  queue: string;
}

/** A message broker. No work in the constructor: `connect()` does it. */
export interface Broker {
  /** What this broker can do; see {@link BrokerCapabilities}. */
  readonly capabilities: BrokerCapabilities;
  /** Connect (idempotent, safe to call concurrently; retryable after failure). */
  connect(): Promise<void>;
  /**
   * Disconnect (idempotent). Waits for pending acks unless `force`. Clients passed in by the
   * user are not closed; clients tq created are.
   */
  close(options?: { force?: boolean }): Promise<void>;
  /** Publish one message; resolves when the broker has it (confirmed where the broker confirms). */
  publish(queue: string, message: TaskMessage, options?: PublishOptions): Promise<void>;
  /** Publish many; a real batch when `capabilities.batchPublish`, else a loop. */
  publishBatch(messages: readonly OutgoingMessage[]): Promise<void>;
  /** Start consuming the queues (earlier queues first where the broker can express it). */
  consume(queues: readonly string[], handler: DeliveryHandler, options: ConsumeOptions): Promise<Subscription>;
  /** Remove every waiting message; returns how many. */
  purge(queue: string): Promise<number>;
  /** Waiting messages (ready + delayed, not in flight). */
  size(queue: string): Promise<number>;
  /**
   * The queue's depth split by where messages wait: what `size` counts, as ready and delayed, plus
   * its dead letters. Optional: without it metrics and health read `size` as ready (and cannot tell
   * a queue holding only delayed messages from one whose consumer is stuck).
   */
  depth?(queue: string): Promise<QueueDepth>;
  /** Read (not remove) up to `limit` dead letters of a queue, oldest first. Needs `capabilities.deadLetter`. */
  deadLetters?(queue: string, limit?: number): Promise<DeadLetter[]>;
  /** Remote control. Needs `capabilities.broadcast`. */
  readonly control?: ControlChannel;
  /** Event stream. Needs `capabilities.events`. */
  readonly events?: EventChannel;
  /**
   * Where the broker is, for errors and logs: `host:port` (several joined by commas), never
   * credentials. Optional: without it errors name the transport only.
   */
  readonly address?: string;
  /**
   * True when the queues live in this process's memory (`memory://`). A pool child's copy of the broker
   * would be a separate, empty one, so the child hands its calls to its worker instead. Default false.
   */
  readonly inProcess?: boolean;
  /**
   * The OpenTelemetry `messaging.system` of this broker's spans: `redis`, `rabbitmq`, `kafka`,
   * `aws_sqs` (the semantic conventions' names where they have one). Optional: without it spans
   * carry the transport's class name, so a third-party transport still traces.
   */
  readonly messagingSystem?: string;
}
