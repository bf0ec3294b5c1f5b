import type { Broker, Delivery, DeliveryHandler, Subscription } from '@tq/core';
import type { TestContext } from 'vitest';
import { uniqueName } from '../support/unique-name.js';
import type { BrokerConformanceConfig } from './broker-conformance-config.js';

/**
 * One test's brokers, subscriptions and queues, released when the test finishes (pass or fail),
 * so tests stay independent and parallel-safe.
 */
export class BrokerKit {
  private readonly brokers: Broker[] = [];
  private readonly subscriptions: Subscription[] = [];
  private readonly queues: string[] = [];

  private constructor(readonly config: BrokerConformanceConfig) {}

  /** A kit whose resources are released when the test of `context` finishes. */
  static forTest(config: BrokerConformanceConfig, context: TestContext): BrokerKit {
    const kit = new BrokerKit(config);
    context.onTestFinished(() => kit.release());
    return kit;
  }

  /** The visibility timeout every broker of this kit was created with. */
  get visibilityTimeoutMs(): number {
    return this.config.visibilityTimeoutMs ?? 500;
  }

  /** A queue name unique to this test. */
  queue(label = 'q'): string {
    const name = uniqueName(`${this.config.name}-${label}`);
    this.queues.push(name);
    return name;
  }

  /** A connected broker from the transport's factory. */
  async broker(): Promise<Broker> {
    const broker = await this.config.createBroker({ visibilityTimeoutMs: this.visibilityTimeoutMs });
    this.brokers.push(broker);
    await broker.connect();
    return broker;
  }

  /** Consume, closing the subscription when the test ends. */
  async consume(broker: Broker, queues: string[], handler: DeliveryHandler, prefetch = 1): Promise<Subscription> {
    const subscription = await broker.consume(queues, handler, { prefetch });
    this.subscriptions.push(subscription);
    return subscription;
  }

  /** Consume and ack everything, collecting the deliveries in arrival order. */
  async collect(broker: Broker, queues: string[], prefetch = 1): Promise<Delivery[]> {
    const received: Delivery[] = [];
    await this.consume(
      broker,
      queues,
      async (delivery) => {
        received.push(delivery);
        await delivery.ack();
      },
      prefetch,
    );
    return received;
  }

  private async release(): Promise<void> {
    await Promise.all(this.subscriptions.map((s) => s.close()));
    await Promise.all(this.brokers.map((b) => b.close({ force: true })));
    await this.config.cleanup?.(this.queues);
  }
}
