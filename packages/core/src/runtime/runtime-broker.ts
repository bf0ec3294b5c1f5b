import type { Logger } from 'pino';
import { ConfigurationError } from '../errors/configuration-error.js';
import { UnsupportedCapabilityError } from '../errors/unsupported-capability-error.js';
import type { MessageSigner } from '../signing/message-signer.js';
import type {
  Broker,
  BrokerCapabilities,
  ConsumeOptions,
  DeadLetter,
  Delivery,
  DeliveryHandler,
  OutgoingMessage,
  PublishOptions,
  QueueDepth,
  Subscription,
} from '../spec/broker.js';
import type { ControlChannel, EventChannel } from '../spec/control-channel.js';
import type { TaskMessage } from '../spec/task-message.js';
import { checkPublish } from './check-publish.js';
import { Heartbeat } from './heartbeat.js';
import { Lifecycle } from './lifecycle.js';
import { PendingPublishes } from './pending-publishes.js';
import type { RuntimeHooks } from './runtime-hooks.js';

const NO_OPTIONS: PublishOptions = {};

/**
 * Header every sent message carries: when it was sent (ms since the epoch). The worker measures
 * queue wait from it; Celery ignores headers it does not know, and a message without it (a Python
 * producer's) simply has no measured wait.
 */
export const SENT_AT_HEADER = 'tq_sent_at';

/** What a runtime broker gets from its app. */
export interface RuntimeContext {
  readonly logger: Logger;
  readonly hooks: RuntimeHooks;
  /** How long a publish may wait for the broker; see `AppConfig.publishTimeoutMs`. Default 30 s. */
  readonly publishTimeoutMs?: number;
  /** Signs every message sent and checks received ones; see `AppConfig.signing`. Default: none (no signing). */
  readonly signer?: MessageSigner | undefined;
}

/** See `AppConfig.publishTimeoutMs`. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;

/**
 * Every transport's broker, wrapped once by core (in the spirit of kysely's `RuntimeDriver`). The
 * transport moves bytes; this owns what must not differ between transports:
 * - the connect/close state machine ({@link Lifecycle});
 * - capability, size and option checks with one error policy ({@link checkPublish}), before any I/O;
 * - message signing: every message sent is signed here, retries and chain steps included;
 * - the prefetch gate: `consume` validates it, and a transport that hands out more is reported;
 * - liveness: the one {@link Heartbeat} that keeps held deliveries invisible to other consumers;
 * - logging through the app's logger and the instrumentation hooks.
 */
export class RuntimeBroker implements Broker {
  readonly capabilities: BrokerCapabilities;
  readonly control?: ControlChannel;
  readonly events?: EventChannel;
  /** The app's signer, if it signs: the worker asks it whether a delivery may run. */
  readonly signer: MessageSigner | undefined;
  /** The transport's `messagingSystem`, else its class name (what tracing spans carry). */
  readonly messagingSystem: string;
  private readonly lifecycle: Lifecycle;
  private readonly heartbeat: Heartbeat;
  private readonly name: string;
  private readonly logger: Logger;
  private readonly publishes: PendingPublishes;

  constructor(
    /** The transport's own broker: reach for it only for transport-specific tools (`publishRaw`, `health`). */
    readonly transport: Broker,
    private readonly context: RuntimeContext,
  ) {
    this.capabilities = transport.capabilities;
    this.signer = context.signer;
    this.name = transport.constructor.name;
    this.messagingSystem = transport.messagingSystem ?? this.name;
    this.logger = context.logger.child({ broker: this.name });
    this.lifecycle = new Lifecycle(`The broker (${this.name})`);
    this.heartbeat = new Heartbeat(this.logger);
    const where = () => (transport.address ? `${this.name} at ${transport.address}` : this.name);
    this.publishes = new PendingPublishes(where, context.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS);
    const { control, events } = transport;
    if (this.capabilities.broadcast && control) {
      this.control = {
        broadcast: (request) => this.plane('control.broadcast', undefined, () => control.broadcast(request)),
        listen: (node, handler) => this.plane('control.listen', node, () => control.listen(node, handler)),
        openMailbox: (id, ttlMs, handler) => this.plane('control.openMailbox', id, () => control.openMailbox(id, ttlMs, handler)),
        reply: (id, reply) => this.plane('control.reply', id, () => control.reply(id, reply)),
      };
    }
    if (this.capabilities.events && events) {
      this.events = {
        publish: (routingKey, event) => this.plane('events.publish', routingKey, () => events.publish(routingKey, event)),
        subscribe: (pattern, handler) => this.plane('events.subscribe', pattern, () => events.subscribe(pattern, handler)),
      };
    }
  }

  /** True between a successful connect and close. */
  get isOpen(): boolean {
    return this.lifecycle.isOpen;
  }

  connect(): Promise<void> {
    return this.lifecycle.connect(async () => {
      await this.measure('connect', undefined, () => this.transport.connect());
      this.logger.debug('broker connected');
    });
  }

  close(options: { force?: boolean } = {}): Promise<void> {
    return this.lifecycle.close(async () => {
      this.heartbeat.stop();
      this.publishes.stop();
      await this.measure('close', undefined, () => this.transport.close(options));
      this.logger.debug('broker closed');
    });
  }

  publish(queue: string, message: TaskMessage, options: PublishOptions = NO_OPTIONS): Promise<void> {
    try {
      this.lifecycle.assertOpen('publish()');
      const checked = checkPublish(this.capabilities, message, options);
      message.headers[SENT_AT_HEADER] = Date.now();
      this.signer?.sign(message);
      const sent = this.measure('publish', queue, () => this.publishes.bound('publish', this.transport.publish(queue, message, checked)));
      return this.context.hooks.listenerCount('sent') === 0 ? sent : sent.then(() => this.sent(queue, message));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Checks every message before sending any: one bad message fails the batch before I/O. */
  async publishBatch(messages: readonly OutgoingMessage[]): Promise<void> {
    this.lifecycle.assertOpen('publishBatch()');
    const checked = messages.map((m) => ({ ...m, options: checkPublish(this.capabilities, m.message, m.options ?? NO_OPTIONS) }));
    const now = Date.now();
    for (const { message } of checked) message.headers[SENT_AT_HEADER] = now;
    if (this.signer) for (const { message } of checked) this.signer.sign(message);
    await this.measure('publishBatch', undefined, () => this.publishes.bound('publishBatch', this.transport.publishBatch(checked)));
    if (this.context.hooks.listenerCount('sent') > 0) for (const { queue, message } of checked) this.sent(queue, message);
  }

  async consume(queues: readonly string[], handler: DeliveryHandler, options: ConsumeOptions): Promise<Subscription> {
    this.lifecycle.assertOpen('consume()');
    const { prefetch } = options;
    if (!Number.isInteger(prefetch) || prefetch < 1) {
      throw new ConfigurationError(`consume() needs prefetch to be a positive integer, got ${prefetch}.`);
    }
    if (queues.length === 0) throw new ConfigurationError('consume() needs at least one queue.');
    return this.measure('consume', queues.join(','), () => this.transport.consume(queues, this.gate(handler, prefetch), options));
  }

  async purge(queue: string): Promise<number> {
    this.lifecycle.assertOpen('purge()');
    return this.measure('purge', queue, () => this.transport.purge(queue));
  }

  async size(queue: string): Promise<number> {
    this.lifecycle.assertOpen('size()');
    return this.measure('size', queue, () => this.transport.size(queue));
  }

  /** The queue's depth by where messages wait; a transport without `depth` reports its `size` as ready. */
  async depth(queue: string): Promise<QueueDepth> {
    this.lifecycle.assertOpen('depth()');
    const depth = this.transport.depth;
    if (depth) return this.measure('depth', queue, () => depth.call(this.transport, queue));
    return { ready: await this.measure('size', queue, () => this.transport.size(queue)), delayed: 0 };
  }

  async deadLetters(queue: string, limit?: number): Promise<DeadLetter[]> {
    this.lifecycle.assertOpen('deadLetters()');
    const read = this.transport.deadLetters;
    if (!this.capabilities.deadLetter || !read) {
      throw new UnsupportedCapabilityError('deadLetter', `${this.name} has no dead-letter place to read.`);
    }
    return this.measure('deadLetters', queue, () => read.call(this.transport, queue, limit));
  }

  /**
   * The handler the transport calls: holds each delivery in the heartbeat until its handler
   * settled (the handler settles the message before that), and reports a transport that hands
   * out more than `prefetch` unsettled deliveries — a broken gate loses the backpressure.
   */
  private gate(handler: DeliveryHandler, prefetch: number): DeliveryHandler {
    let held = 0;
    let reported = false;
    const release = (delivery: Delivery) => {
      held--;
      this.heartbeat.release(delivery);
    };
    return (delivery) => {
      if (++held > prefetch && !reported) {
        reported = true;
        this.logger.error({ held, prefetch }, `${this.name} handed out more deliveries than the prefetch allows; this is a transport bug`);
      }
      this.heartbeat.hold(delivery);
      return handler(delivery).then(
        () => release(delivery),
        (error: unknown) => {
          release(delivery);
          throw error;
        },
      );
    };
  }

  private sent(queue: string, message: TaskMessage): void {
    this.context.hooks.emit('sent', { taskId: message.headers.id, task: message.headers.task, queue, transport: this.name });
  }

  /** A control or event operation: refused once closed (or before connecting), measured like the rest. */
  private plane<T>(operation: string, target: string | undefined, call: () => Promise<T>): Promise<T> {
    try {
      this.lifecycle.assertOpen(`${operation}()`);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.measure(operation, target, call);
  }

  private measure<T>(operation: string, target: string | undefined, call: () => Promise<T>): Promise<T> {
    return this.context.hooks.measure('broker', this.name, operation, target, call);
  }
}
