import { type RuntimeBackend, type RuntimeBroker, TqError } from '@tq/core';
import { expect, it, type TestContext } from 'vitest';
import type { BackendConformanceConfig } from '../backend/backend-conformance-config.js';
import { BackendKit, successMeta } from '../backend/backend-kit.js';
import type { BrokerConformanceConfig } from '../broker/broker-conformance-config.js';
import { BrokerKit } from '../broker/broker-kit.js';
import { sampleMessage } from '../support/sample-message.js';
import { waitUntil } from '../support/wait-until.js';
import { type CallCount, countCalls } from './count-calls.js';

/** What the lifecycle tests need of a broker or a backend in core's runtime. */
interface Subject {
  connect(): Promise<void>;
  close(): Promise<void>;
  /** Whether core's runtime says it is open. */
  readonly isOpen: boolean;
  /** One operation that needs a connection (a publish, a read). */
  use(): Promise<unknown>;
}

/** One lifecycle test's subject, its transport's counted connect/close, and cleanup. */
interface Harness {
  subject: Subject;
  connects: CallCount;
  closes: CallCount;
}

/**
 * The connect/close state machine as users get it (core's runtime around the transport): a
 * shared connect, close during connect, clear errors after close, idempotent close. Core owns the
 * state machine; these tests check that every transport really ends up connected or closed as it
 * says — a transport whose close leaves a socket open fails here.
 */
function lifecycleTests(what: string, stressed: boolean, make: (context: TestContext) => Harness): void {
  it(`concurrent connect() calls share one connect of the transport; the ${what} then works`, async (context) => {
    const { subject, connects } = make(context);
    await Promise.all([subject.connect(), subject.connect(), subject.connect()]);
    await subject.connect();
    expect(connects.calls).toBe(1);
    expect(subject.isOpen).toBe(true);
    await subject.use();
  });

  it(`close() during connect() waits for it, then closes what it opened: nothing stays connected`, async (context) => {
    const sockets = openSockets();
    const { subject, connects, closes } = make(context);
    const connecting = subject.connect().then(
      () => 'connected',
      (error: unknown) => error,
    );
    const closing = subject.close();
    await closing;
    const outcome = await connecting;
    expect(subject.isOpen).toBe(false);
    // Whatever the connect managed to open was closed again, exactly once.
    expect(connects.calls).toBe(1);
    if (outcome === 'connected') expect(closes.calls).toBe(1);
    await expect(subject.use()).rejects.toSatisfy((e) => TqError.is(e, 'TQ_CONFIGURATION'));
    // And nothing of it is left in this process: every socket it opened is gone again (checked
    // only when this test runs alone; TQ_STRESS runs others beside it).
    if (!stressed) await waitUntil(() => openSockets() <= sockets, `the ${what}'s sockets to close (${sockets} before it)`, 5000);
  });

  it(`use before connect() and after close() fails with a clear error; connect() after close() too`, async (context) => {
    const { subject } = make(context);
    const before = await subject.use().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(TqError.is(before, 'TQ_BROKER_CONNECTION')).toBe(true);
    expect((before as Error).message).toMatch(/not connected: call connect\(\)/);
    await subject.connect();
    await subject.close();
    const after = await subject.use().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(TqError.is(after, 'TQ_CONFIGURATION')).toBe(true);
    expect((after as Error).message).toMatch(/was closed/);
    await expect(subject.connect()).rejects.toSatisfy((e) => TqError.is(e, 'TQ_CONFIGURATION'));
  });

  it(`close() is idempotent and never connects: the transport is closed once, a never-used ${what} not at all`, async (context) => {
    const unused = make(context);
    await Promise.all([unused.subject.close(), unused.subject.close()]);
    expect(unused.connects.calls).toBe(0);
    expect(unused.closes.calls).toBe(0);

    const { subject, closes } = make(context);
    await subject.connect();
    await Promise.all([subject.close(), subject.close()]);
    await subject.close();
    expect(closes.calls).toBe(1);
    expect(subject.isOpen).toBe(false);
  });
}

/** The broker's lifecycle through `RuntimeBroker`. */
export function brokerLifecycleTests(config: BrokerConformanceConfig): void {
  lifecycleTests('broker', config.stressed, (context) => {
    const kit = BrokerKit.forTest(config, context);
    const transport = config.createBroker({ visibilityTimeoutMs: kit.visibilityTimeoutMs });
    const connects = countCalls(transport, 'connect');
    const closes = countCalls(transport, 'close');
    const broker: RuntimeBroker = kit.unconnected(transport);
    const queue = kit.queue('lifecycle');
    return {
      connects,
      closes,
      subject: {
        connect: () => broker.connect(),
        close: () => broker.close(),
        get isOpen() {
          return broker.isOpen;
        },
        use: async () => {
          await broker.publish(queue, sampleMessage());
          return broker.size(queue);
        },
      },
    };
  });
}

/** The result backend's lifecycle through `RuntimeBackend`. */
export function backendLifecycleTests(config: BackendConformanceConfig): void {
  lifecycleTests('backend', config.stressed, (context) => {
    const kit = BackendKit.forTest(config, context);
    const transport = config.createBackend();
    const connects = countCalls(transport, 'connect');
    const closes = countCalls(transport, 'close');
    const backend: RuntimeBackend = kit.unconnected(transport);
    const id = kit.id('lifecycle');
    return {
      connects,
      closes,
      subject: {
        connect: () => backend.connect(),
        close: () => backend.close(),
        get isOpen() {
          return backend.isOpen;
        },
        use: async () => {
          await backend.set(id, successMeta(id, 1));
          return backend.get(id);
        },
      },
    };
  });
}

/** TCP sockets (and pipes) open in this process right now. */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap' || kind === 'PipeWrap').length;
}
