import { type Broker, type Delivery, type DeliveryHandler, defaultLogger, RuntimeBroker, RuntimeHooks, type Subscription } from '@tq/core';
import type { TestContext } from 'vitest';
import { uniqueName } from '../support/unique-name.js';
import type { BrokerConformanceConfig } from './broker-conformance-config.js';

/**
 * One test's brokers, subscriptions and queues, released when the test finishes (pass or fail),
 * so tests stay independent and parallel-safe.
 */
export class BrokerKit {
  private readonly brokers: RuntimeBroker[] = [];
  private readonly bareBrokers: Broker[] = [];
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

  /**
   * A connected broker from the transport's factory, wrapped in core's runtime as an app wraps it:
   * the suite checks what users get (the transport moves bytes; lifecycle and checks are core's).
   */
  async broker(): Promise<RuntimeBroker> {
    const broker = this.unconnected(await this.config.createBroker({ visibilityTimeoutMs: this.visibilityTimeoutMs }));
    await broker.connect();
    return broker;
  }

  /**
   * A connected broker WITHOUT core's runtime: nothing extends its deliveries, as when the process
   * that held them died (the runtime's heartbeat dies with it). Closed when the test ends.
   */
  async bare(): Promise<Broker> {
    const broker = await this.config.createBroker({ visibilityTimeoutMs: this.visibilityTimeoutMs });
    this.bareBrokers.push(broker);
    await broker.connect();
    return broker;
  }

  /** The transport's broker in core's runtime, not connected yet (released when the test ends). */
  unconnected(transport: Broker): RuntimeBroker {
    const broker = new RuntimeBroker(transport, { logger: defaultLogger(), hooks: new RuntimeHooks() });
    this.brokers.push(broker);
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
    await Promise.all([...this.brokers, ...this.bareBrokers].map((b) => b.close({ force: true })));
    await this.config.cleanup?.(this.queues);
  }
}
