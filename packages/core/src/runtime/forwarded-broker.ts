import { ConfigurationError } from '../errors/configuration-error.js';
import type { Broker, BrokerCapabilities, DeadLetter, OutgoingMessage, PublishOptions, Subscription } from '../spec/broker.js';
import type { TaskMessage } from '../spec/task-message.js';
import { type PoolChildLink, poolChildLink } from './pool-child-link.js';

/**
 * An app's in-process broker (`memory://`) as seen from a pool child: its queues are the worker's, so
 * sends (a subtask, a retry's follow-up) are handed to the worker over the child's link and published
 * there. Without this a child would publish into a private, empty copy nobody consumes: lost messages.
 * Brokers that live elsewhere (Redis, AMQP...) are not wrapped: the child connects itself, as Celery's
 * prefork children do.
 */
export class ForwardedBroker implements Broker {
  /**
   * Remote control and events are not forwarded (they need listeners in the child): off, so asking for
   * them from a child fails clearly instead of talking to nobody.
   */
  readonly capabilities: BrokerCapabilities;
  readonly messagingSystem: string | undefined;

  private constructor(
    own: Broker,
    private readonly link: PoolChildLink,
  ) {
    this.capabilities = { ...own.capabilities, broadcast: false, events: false };
    this.messagingSystem = own.messagingSystem;
  }

  /** `broker` forwarded to the worker when this is a pool child and it is in-process; else `broker` itself. */
  static ifInPoolChild(broker: Broker): Broker {
    const link = poolChildLink();
    return link && broker.inProcess ? new ForwardedBroker(broker, link) : broker;
  }

  /** Nothing to connect: the worker's broker is connected. */
  async connect(): Promise<void> {}

  /** Nothing to close: the worker's broker is the worker's. */
  async close(): Promise<void> {}

  async publish(queue: string, message: TaskMessage, options?: PublishOptions): Promise<void> {
    await this.link.call('broker', 'publish', [queue, message, options]);
  }

  async publishBatch(messages: readonly OutgoingMessage[]): Promise<void> {
    await this.link.call('broker', 'publishBatch', [messages]);
  }

  consume(): Promise<Subscription> {
    return Promise.reject(new ConfigurationError('A pool child cannot consume: its worker consumes and hands it tasks.'));
  }

  async purge(queue: string): Promise<number> {
    return (await this.link.call('broker', 'purge', [queue])) as number;
  }

  async size(queue: string): Promise<number> {
    return (await this.link.call('broker', 'size', [queue])) as number;
  }

  async deadLetters(queue: string, limit?: number): Promise<DeadLetter[]> {
    return (await this.link.call('broker', 'deadLetters', [queue, limit])) as DeadLetter[];
  }
}
