import { toEnvelope } from '../protocol/index.js';
import type {
  Broker,
  BrokerCapabilities,
  ConsumeOptions,
  DeadLetter,
  DeliveryHandler,
  OutgoingMessage,
  PublishOptions,
  QueueDepth,
  Subscription,
} from '../spec/broker.js';
import type { TaskMessage } from '../spec/task-message.js';
import { positiveNumber } from '../transport/positive-number.js';
import { MemoryBrokerState } from './memory-broker-state.js';
import { MemoryConsumer } from './memory-consumer.js';
import { MemoryControlChannel } from './memory-control-channel.js';
import { MemoryEventChannel } from './memory-event-channel.js';
import { PRIORITY_LEVELS, type StoredMessage } from './memory-queue.js';

/** Configuration of a {@link MemoryBroker}. */
export interface MemoryBrokerConfig {
  /**
   * Share queues with every `MemoryBroker` of this name in the process (`memory://<name>`), so a
   * producer app and a worker app can talk. Default: a private set of queues.
   */
  name?: string;
  /**
   * How long a delivery may stay unsettled before it goes back to the queue (its consumer is
   * presumed dead). Default 30 minutes: like SQS/kombu, long enough for real tasks; running tasks
   * extend it. Tests pass something short.
   */
  visibilityTimeoutMs?: number;
  /** Largest encoded message accepted. Default 16 MiB. */
  maxMessageBytes?: number;
}

const DEFAULT_VISIBILITY_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const utf8 = new TextEncoder();

/**
 * The `memory://` broker: in-process queues with every broker capability (delays on one timer,
 * priorities 0–9, visibility timeout and redelivery, dead letters, remote control and events). It stores the same
 * kombu JSON envelope Redis and SQS carry and decodes it on delivery, so encoding bugs and poison
 * messages show up here exactly as they would on a real transport.
 */
export class MemoryBroker implements Broker {
  readonly capabilities: BrokerCapabilities;
  readonly messagingSystem = 'memory';
  /** Its queues are this process's memory: pool children forward their calls to the worker's. */
  readonly inProcess = true;
  /** Remote control among the handles of this state (`capabilities.broadcast`). */
  readonly control = new MemoryControlChannel(() => this.live().planes);
  /** Events among the handles of this state (`capabilities.events`). */
  readonly events = new MemoryEventChannel(() => this.live().planes);
  private readonly visibilityTimeoutMs: number;
  private state: MemoryBrokerState | undefined;
  private readonly consumers = new Set<MemoryConsumer>();
  /** Connected and not closed since: the handle counts as a user of the shared state. */
  private attached = false;

  constructor(private readonly config: MemoryBrokerConfig = {}) {
    this.visibilityTimeoutMs = positiveNumber(
      'MemoryBroker',
      'visibilityTimeoutMs',
      config.visibilityTimeoutMs,
      DEFAULT_VISIBILITY_TIMEOUT_MS,
    );
    this.capabilities = {
      // The scheduler re-arms past setTimeout's ceiling, so any delay is native.
      delay: { maxDelayMs: Number.MAX_SAFE_INTEGER, emulated: false },
      priority: { levels: PRIORITY_LEVELS },
      ack: 'per-message',
      visibilityTimeout: true,
      extendVisibility: true,
      deadLetter: true,
      // Priorities, competing consumers and redelivery all reorder: no ordering promise.
      ordering: 'none',
      broadcast: true,
      events: true,
      batchPublish: true,
      maxMessageBytes: positiveNumber('MemoryBroker', 'maxMessageBytes', config.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES, {
        integer: true,
      }),
    };
  }

  async connect(): Promise<void> {
    this.state ??= this.config.name === undefined ? new MemoryBrokerState() : MemoryBrokerState.shared(this.config.name);
    if (this.attached) return;
    this.attached = true;
    this.state.attach();
  }

  /** Stops this handle's consumers, control listeners, mailboxes and event subscriptions. Acks are synchronous, so there is nothing to drain. */
  async close(_options?: { force?: boolean }): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
    // Idempotent: a second close must not detach from the shared state again.
    if (!this.attached) return;
    this.attached = false;
    this.control.close();
    this.events.close();
    this.live().detach();
  }

  async publish(queue: string, message: TaskMessage, options: PublishOptions = {}): Promise<void> {
    const state = this.live();
    state.put(queue, this.encode(queue, message, options), options.delayMs ?? 0);
  }

  /** Validates every message before storing any: the batch goes in whole or not at all. */
  async publishBatch(messages: readonly OutgoingMessage[]): Promise<void> {
    const state = this.live();
    const encoded = messages.map((m) => this.encode(m.queue, m.message, m.options ?? {}));
    for (const [i, { queue, options }] of messages.entries()) state.put(queue, encoded[i] as StoredMessage, options?.delayMs ?? 0);
  }

  /**
   * Put bytes on a queue as they are, at priority 0, without encoding or any check (not even size).
   * limit. For tests and tools: this is how a poison message (one that does not decode) gets in.
   */
  async publishRaw(queue: string, raw: Uint8Array | string): Promise<void> {
    const state = this.live();
    const bytes = typeof raw === 'string' ? utf8.encode(raw) : raw.slice();
    state.put(queue, storedMessage(bytes, 0), 0);
  }

  async consume(queues: readonly string[], handler: DeliveryHandler, options: ConsumeOptions): Promise<Subscription> {
    const state = this.live();
    const consumer = new MemoryConsumer(state, {
      queues: [...queues],
      handler,
      prefetch: options.prefetch,
      visibilityTimeoutMs: this.visibilityTimeoutMs,
      onClose: (closed) => this.consumers.delete(closed),
    });
    this.consumers.add(consumer);
    state.addConsumer(consumer);
    return consumer;
  }

  async purge(queue: string): Promise<number> {
    return this.live().queue(queue).purge();
  }

  async size(queue: string): Promise<number> {
    return this.live().queue(queue).size;
  }

  async depth(queue: string): Promise<QueueDepth> {
    const q = this.live().queue(queue);
    return { ready: q.ready, delayed: q.delayedCount, deadLetters: q.deadLetters.length };
  }

  async deadLetters(queue: string, limit = Number.POSITIVE_INFINITY): Promise<DeadLetter[]> {
    const letters = this.live().queue(queue).deadLetters;
    return letters.slice(0, limit).map((letter) => ({ ...letter, raw: letter.raw.slice() }));
  }

  private encode(queue: string, message: TaskMessage, options: PublishOptions): StoredMessage {
    const priority = clampPriority(options.priority ?? message.properties.priority ?? 0);
    // The envelope records the priority the message actually travels with.
    const raw = utf8.encode(toEnvelope({ ...message, properties: { ...message.properties, priority } }, { queue }));
    return storedMessage(raw, priority);
  }

  private live(): MemoryBrokerState {
    return this.state as MemoryBrokerState;
  }
}

function storedMessage(raw: Uint8Array, priority: number): StoredMessage {
  return { raw, priority, deliveryCount: 0, status: 'ready', dueAt: 0, deadline: 0, generation: 0 };
}

/**
 * A message's own `properties.priority` (a raw or Python-made message) is clamped to 0..9, as kombu
 * does; a `priority` publish option was already checked by core.
 */
function clampPriority(priority: number): number {
  if (!Number.isFinite(priority)) return 0;
  return Math.min(PRIORITY_LEVELS - 1, Math.max(0, Math.round(priority)));
}
