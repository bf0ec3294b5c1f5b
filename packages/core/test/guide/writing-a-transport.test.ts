// The transport docs/writing-a-transport.md quotes: its regions are the doc's code blocks, word for
// word (tools/test/docs.test.ts checks; `pnpm docs:sync` copies them over). It runs the real
// conformance suites, so the guide's code is known to compile and to work.

// #region transport
import {
  type Broker,
  type BrokerCapabilities,
  type ConsumeOptions,
  type Delivery,
  type DeliveryHandler,
  fromEnvelope,
  handOff,
  MessageDecodeError,
  type NackOptions,
  type OutgoingMessage,
  type Subscription,
  type TaskMessage,
  type TransportModule,
  toEnvelope,
  UnsupportedCapabilityError,
} from '@tq/core';

const utf8 = new TextEncoder();

/** A message on a queue: kombu's JSON envelope, as Celery would find it, and how often it was handed out. */
interface Stored {
  raw: Uint8Array;
  deliveries: number;
}

/** The "server": queues in this process, shared by every LocalBroker of the same name. */
class LocalServer {
  private readonly queues = new Map<string, Stored[]>();
  readonly consumers = new Set<LocalConsumer>();

  queue(name: string): Stored[] {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = [];
      this.queues.set(name, queue);
    }
    return queue;
  }

  put(queue: string, stored: Stored): void {
    this.queue(queue).push(stored);
    for (const consumer of this.consumers) consumer.pump();
  }
}

const servers = new Map<string, LocalServer>();

/** An in-process broker that declares only what it does: no delays, priorities, redelivery, dead letters or fan-out. */
export class LocalBroker implements Broker {
  readonly capabilities: BrokerCapabilities = {
    delay: false,
    priority: false,
    ack: 'per-message',
    visibilityTimeout: false,
    extendVisibility: false,
    deadLetter: false,
    ordering: 'none',
    broadcast: false,
    events: false,
    batchPublish: false,
    maxMessageBytes: 1024 * 1024,
  };
  private server: LocalServer | undefined;
  private readonly subscriptions = new Set<LocalConsumer>();

  /** No I/O in the constructor: `connect()` does it. */
  constructor(private readonly name = 'default') {}

  async connect(): Promise<void> {
    if (!servers.has(this.name)) servers.set(this.name, new LocalServer());
    this.server = servers.get(this.name);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
  }

  // Core checked capabilities, options and size before this runs; delay, priority and ordering key cannot reach it.
  async publish(queue: string, message: TaskMessage): Promise<void> {
    this.live().put(queue, { raw: utf8.encode(toEnvelope(message, { queue })), deliveries: 0 });
  }

  async publishBatch(messages: readonly OutgoingMessage[]): Promise<void> {
    for (const { queue, message } of messages) await this.publish(queue, message);
  }

  /** Bytes exactly as given, for the conformance suite's poison-message tests. */
  async publishRaw(queue: string, raw: Uint8Array | string): Promise<void> {
    this.live().put(queue, { raw: typeof raw === 'string' ? utf8.encode(raw) : raw, deliveries: 0 });
  }

  async consume(queues: readonly string[], handler: DeliveryHandler, { prefetch }: ConsumeOptions): Promise<Subscription> {
    const subscription = new LocalConsumer(this.live(), queues, handler, prefetch);
    this.subscriptions.add(subscription);
    subscription.pump();
    return subscription;
  }

  async purge(queue: string): Promise<number> {
    return this.live().queue(queue).splice(0).length;
  }

  async size(queue: string): Promise<number> {
    return this.live().queue(queue).length;
  }

  private live(): LocalServer {
    if (!this.server) throw new Error('LocalBroker: connect() first');
    return this.server;
  }
}

/** One `consume()`: hands out waiting messages, earlier queues first, at most `prefetch` unsettled. */
class LocalConsumer implements Subscription {
  private unsettled = 0;
  private closed = false;

  constructor(
    private readonly server: LocalServer,
    private readonly queues: readonly string[],
    private readonly handler: DeliveryHandler,
    private readonly prefetch: number,
  ) {
    server.consumers.add(this);
  }

  pump(): void {
    for (const queue of this.queues) {
      const waiting = this.server.queue(queue);
      while (!this.closed && this.unsettled < this.prefetch && waiting.length > 0) {
        const stored = waiting.shift() as Stored;
        stored.deliveries++;
        this.unsettled++;
        // The handler runs in a microtask, not in this loop; its settling frees the slot.
        handOff(this.handler, new LocalDelivery(this.server, queue, stored), () => {
          this.unsettled--;
          this.pump();
        });
      }
    }
  }

  /** Stop handing out; deliveries already handed out can still be settled. */
  async close(): Promise<void> {
    this.closed = true;
    this.server.consumers.delete(this);
  }
}

class LocalDelivery implements Delivery {
  readonly message: TaskMessage | undefined;
  readonly decodeError: MessageDecodeError | undefined;
  readonly raw: Uint8Array;
  readonly deliveryCount: number;
  private settled = false;

  constructor(
    private readonly server: LocalServer,
    readonly queue: string,
    private readonly stored: Stored,
  ) {
    this.raw = stored.raw;
    this.deliveryCount = stored.deliveries;
    // Bytes that do not decode still reach the worker, which rejects them with the reason.
    try {
      this.message = fromEnvelope(stored.raw);
      this.decodeError = undefined;
    } catch (error) {
      this.message = undefined;
      this.decodeError = error instanceof MessageDecodeError ? error : new MessageDecodeError(String(error), { cause: error });
    }
  }

  async ack(): Promise<void> {
    this.settle();
  }

  async nack({ requeue = true }: NackOptions = {}): Promise<void> {
    if (!this.settle() || !requeue) return;
    // A deliberate return keeps the count: only deliveries whose consumer was lost add one.
    this.stored.deliveries--;
    this.server.put(this.queue, this.stored);
  }

  async deadLetter(): Promise<void> {
    throw new UnsupportedCapabilityError('deadLetter', 'LocalBroker has no dead-letter place.');
  }

  /** The first settle wins; the others are no-ops. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    return true;
  }
}

/** What `createApp({ broker: 'local://name' })` would call, were `local` in core's scheme → package table. */
export const transport: TransportModule = {
  schemes: ['local'],
  createBroker: (url) => new LocalBroker(url.hostname || 'default'),
};

// #endregion transport

// The test's own imports, after the quoted region. Relative: @tq/conformance depends on @tq/core, so
// core cannot list it as a dependency.
import { describe, expect, it } from 'vitest';
import { transportConformance } from '../../../conformance/src/index.js';
import { defaultLogger, MemoryResultBackend } from '../../src/index.js';

// #region conformance
transportConformance({
  name: 'local (docs/writing-a-transport.md)',
  createBroker: () => new LocalBroker('conformance'),
  publishRaw: (broker, queue, raw) => (broker as LocalBroker).publishRaw(queue, raw),
  // A broker without results of its own runs the task suite with another transport's backend.
  pairWith: [{ name: 'memory', createBackend: () => new MemoryResultBackend({ name: 'local-conformance' }) }],
});
// #endregion conformance

describe('the guide transport module', () => {
  it('builds a LocalBroker from its URL, without I/O', () => {
    const broker = transport.createBroker?.(new URL('local://guide'), { logger: defaultLogger() });
    expect(broker).toBeInstanceOf(LocalBroker);
    expect(broker?.capabilities.delay).toBe(false);
  });
});
