import { toEnvelope } from '../protocol/index.js';
import type {
  Broker,
  BrokerCapabilities,
  ConsumeOptions,
  ControlChannel,
  ControlMessage,
  DeadLetter,
  DeliveryHandler,
  OutgoingMessage,
  PublishOptions,
  Subscription,
} from '../spec/broker.js';
import type { TaskMessage } from '../spec/task-message.js';
import { positiveNumber } from '../transport/positive-number.js';
import { type ControlListener, MemoryBrokerState } from './memory-broker-state.js';
import { MemoryConsumer } from './memory-consumer.js';
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
 * priorities 0–9, visibility timeout and redelivery, dead letters, broadcast). It stores the same
 * kombu JSON envelope Redis and SQS carry and decodes it on delivery, so encoding bugs and poison
 * messages show up here exactly as they would on a real transport.
 */
export class MemoryBroker implements Broker {
  readonly capabilities: BrokerCapabilities;
  readonly control: ControlChannel = {
    broadcast: (message) => this.broadcast(message),
    subscribe: (handler) => this.subscribeControl(handler),
  };
  private readonly visibilityTimeoutMs: number;
  private state: MemoryBrokerState | undefined;
  private readonly consumers = new Set<MemoryConsumer>();
  private readonly controlListeners = new Set<ControlListener>();

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
      batchPublish: true,
      maxMessageBytes: positiveNumber('MemoryBroker', 'maxMessageBytes', config.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES, {
        integer: true,
      }),
    };
  }

  async connect(): Promise<void> {
    this.state ??= this.config.name === undefined ? new MemoryBrokerState() : MemoryBrokerState.shared(this.config.name);
    this.state.attach();
  }

  /** Stops this handle's consumers and control subscriptions. Acks are synchronous, so there is nothing to drain. */
  async close(_options?: { force?: boolean }): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
    const state = this.live();
    for (const listener of this.controlListeners) state.controlListeners.delete(listener);
    this.controlListeners.clear();
    state.detach();
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

  async deadLetters(queue: string, limit = Number.POSITIVE_INFINITY): Promise<DeadLetter[]> {
    const letters = this.live().queue(queue).deadLetters;
    return letters.slice(0, limit).map((letter) => ({ ...letter, raw: letter.raw.slice() }));
  }

  private async broadcast(message: ControlMessage): Promise<void> {
    const json = JSON.stringify(message);
    // Each listener gets its own parsed copy, later, as if it came over a wire.
    for (const listener of this.live().controlListeners) queueMicrotask(() => listener(json));
  }

  private async subscribeControl(handler: (message: ControlMessage) => void): Promise<() => Promise<void>> {
    const state = this.live();
    const listener: ControlListener = (json) => handler(JSON.parse(json) as ControlMessage);
    state.controlListeners.add(listener);
    this.controlListeners.add(listener);
    return async () => {
      state.controlListeners.delete(listener);
      this.controlListeners.delete(listener);
    };
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
