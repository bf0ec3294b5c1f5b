import {
  type Broker,
  type BrokerCapabilities,
  type ConsumeOptions,
  type Delivery,
  type DeliveryHandler,
  MemoryBroker,
  type OutgoingMessage,
  type PublishOptions,
  type Subscription,
  type TaskMessage,
} from '@tq/core';

/** What the weakest honest transport declares: no delay, priority, visibility, dead letters, broadcast or real batch. */
export const LIMITED_CAPABILITIES: BrokerCapabilities = {
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
  maxMessageBytes: 64 * 1024,
};

/**
 * A memory broker that declares, and exposes, only the limited capabilities: the suite must skip
 * (not fail, not omit) everything else, and its always-on tests must not lean on extras.
 */
export class LimitedBroker implements Broker {
  readonly capabilities = LIMITED_CAPABILITIES;
  private readonly inner: MemoryBroker;

  constructor(name: string) {
    this.inner = new MemoryBroker({ name, maxMessageBytes: LIMITED_CAPABILITIES.maxMessageBytes });
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }

  close(options?: { force?: boolean }): Promise<void> {
    return this.inner.close(options);
  }

  publish(queue: string, message: TaskMessage, _options?: PublishOptions): Promise<void> {
    return this.inner.publish(queue, message);
  }

  async publishBatch(messages: readonly OutgoingMessage[]): Promise<void> {
    for (const { queue, message } of messages) await this.publish(queue, message);
  }

  consume(queues: readonly string[], handler: DeliveryHandler, options: ConsumeOptions): Promise<Subscription> {
    return this.inner.consume(queues, (delivery) => handler(withoutExtras(delivery)), options);
  }

  purge(queue: string): Promise<number> {
    return this.inner.purge(queue);
  }

  size(queue: string): Promise<number> {
    return this.inner.size(queue);
  }
}

function withoutExtras(delivery: Delivery): Delivery {
  return {
    queue: delivery.queue,
    message: delivery.message,
    decodeError: delivery.decodeError,
    raw: delivery.raw,
    deliveryCount: delivery.deliveryCount,
    ack: () => delivery.ack(),
    nack: (options) => delivery.nack({ requeue: options?.requeue }),
    deadLetter: () => Promise.reject(new Error('deadLetter is not declared')),
  };
}
