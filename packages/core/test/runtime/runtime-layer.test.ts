import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type App,
  type BackendConnectContext,
  type ConsumeOptions,
  createApp,
  createTaskMessage,
  type DeliveryHandler,
  defaultLogger,
  MemoryBroker,
  MemoryResultBackend,
  type OperationEvent,
  type PublishOptions,
  type ResultMeta,
  RuntimeBackend,
  RuntimeBroker,
  RuntimeHooks,
  type Subscription,
  type TaskMessage,
  TqError,
} from '../../src/index.js';

/** A memory broker that counts what core asks of it, and can be slowed or made to fail once. */
class CountingBroker extends MemoryBroker {
  connects = 0;
  closes = 0;
  consumes = 0;
  publishes = 0;
  connectDelayMs = 0;
  failNextConnect = false;

  override async connect(): Promise<void> {
    this.connects++;
    await sleep(this.connectDelayMs);
    if (this.failNextConnect) {
      this.failNextConnect = false;
      throw new Error('broker down');
    }
    await super.connect();
  }

  override async close(options?: { force?: boolean }): Promise<void> {
    this.closes++;
    await super.close(options);
  }

  override async consume(queues: readonly string[], handler: DeliveryHandler, options: ConsumeOptions): Promise<Subscription> {
    this.consumes++;
    return super.consume(queues, handler, options);
  }

  override async publish(queue: string, message: TaskMessage, options?: PublishOptions): Promise<void> {
    this.publishes++;
    return super.publish(queue, message, options);
  }
}

/** A backend whose pushes are all lost (as a dropped pub/sub message would be). */
class DeafBackend extends MemoryResultBackend {
  override async watch(): Promise<() => Promise<void>> {
    return async () => {};
  }
}

const context = () => ({ logger: defaultLogger(), hooks: new RuntimeHooks() });
const message = (args: unknown[] = [1]) => createTaskMessage({ task: 'runtime.test', id: randomUUID(), args });

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});
function appOn(broker: MemoryBroker, backend = new MemoryResultBackend()): App {
  const app = createApp({ broker, backend });
  apps.push(app);
  return app;
}

describe('runtime broker lifecycle (one state machine for every transport)', () => {
  it('concurrent connect() calls share one transport connect', async () => {
    const transport = new CountingBroker();
    const broker = new RuntimeBroker(transport, context());
    await Promise.all([broker.connect(), broker.connect(), broker.connect()]);
    expect(transport.connects).toBe(1);
    await broker.close();
  });

  it('a failed connect can be tried again', async () => {
    const transport = new CountingBroker();
    transport.failNextConnect = true;
    const broker = new RuntimeBroker(transport, context());
    await expect(broker.connect()).rejects.toThrow('broker down');
    await broker.connect();
    await broker.publish('q', message());
    expect(await broker.size('q')).toBe(1);
    await broker.close();
  });

  it('close() during connect() waits for it and closes what it opened: nothing stays connected', async () => {
    const transport = new CountingBroker();
    transport.connectDelayMs = 50;
    const broker = new RuntimeBroker(transport, context());
    const connecting = broker.connect();
    await broker.close();
    await connecting;
    expect(transport.closes).toBe(1);
    await expect(broker.publish('q', message())).rejects.toThrow(/was closed/);
  });

  it('use before connect and after close fail with a clear error; close is idempotent', async () => {
    const broker = new RuntimeBroker(new CountingBroker(), context());
    await expect(broker.publish('q', message())).rejects.toSatisfy((e) => TqError.is(e, 'TQ_BROKER_CONNECTION'));
    await expect(broker.publish('q', message())).rejects.toThrow(/call connect\(\) before publish\(\)/);
    await broker.connect();
    await Promise.all([broker.close(), broker.close()]);
    await expect(broker.size('q')).rejects.toSatisfy((e) => TqError.is(e, 'TQ_CONFIGURATION'));
    await expect(broker.connect()).rejects.toThrow(/was closed/);
  });

  it('a never-connected broker is not connected to be closed', async () => {
    const transport = new CountingBroker();
    await new RuntimeBroker(transport, context()).close();
    expect(transport.connects).toBe(0);
    expect(transport.closes).toBe(0);
  });
});

describe('runtime broker checks (once, before any I/O)', () => {
  it('an oversize body is refused with both sizes before the transport sees it', async () => {
    const transport = new CountingBroker({ maxMessageBytes: 1000 });
    const broker = new RuntimeBroker(transport, context());
    await broker.connect();
    const error = await broker.publish('q', message(['x'.repeat(2000)])).catch((e: unknown) => e);
    expect(TqError.is(error, 'TQ_PAYLOAD_TOO_LARGE')).toBe(true);
    expect(error).toMatchObject({ limitBytes: 1000 });
    expect(transport.publishes).toBe(0);
    await broker.close();
  });

  it('options the broker cannot honour are refused, never clamped or ignored', async () => {
    const transport = new CountingBroker();
    const broker = new RuntimeBroker(transport, context());
    await broker.connect();
    await expect(broker.publish('q', message(), { priority: 12 })).rejects.toSatisfy((e) => TqError.is(e, 'TQ_CONFIGURATION'));
    await expect(broker.publish('q', message(), { orderingKey: 'k' })).rejects.toSatisfy((e) => TqError.is(e, 'TQ_UNSUPPORTED_CAPABILITY'));
    await expect(broker.consume(['q'], async () => {}, { prefetch: 0 })).rejects.toThrow(/prefetch/);
    await expect(broker.consume([], async () => {}, { prefetch: 1 })).rejects.toThrow(/at least one queue/);
    expect(transport.publishes).toBe(0);
    await broker.close();
  });

  it('hooks see every operation with its duration, and errors with what was thrown', async () => {
    const hooks = new RuntimeHooks();
    const seen: OperationEvent[] = [];
    hooks.on('operation', (event) => seen.push(event));
    const broker = new RuntimeBroker(new CountingBroker(), { logger: defaultLogger(), hooks });
    await broker.connect();
    await broker.publish('q', message());
    const phases = seen.filter((e) => e.operation === 'publish').map((e) => e.phase);
    expect(phases).toEqual(['start', 'stop']);
    expect(seen.find((e) => e.operation === 'publish' && e.phase === 'stop')).toMatchObject({
      component: 'broker',
      transport: 'CountingBroker',
      target: 'q',
    });
    expect(seen.find((e) => e.phase === 'stop')?.durationMs).toBeGreaterThanOrEqual(0);
    await broker.close();
  });
});

describe('publishing while the broker is unreachable: loud and bounded', () => {
  it('a publish the broker never confirms fails within publishTimeoutMs with BrokerConnectionError naming the broker', async () => {
    class Unreachable extends CountingBroker {
      readonly address = 'cache.internal:6379';
      override publish(): Promise<void> {
        return new Promise(() => {}); // a driver queueing commands while it reconnects
      }
    }
    const broker = new RuntimeBroker(new Unreachable(), { ...context(), publishTimeoutMs: 300 });
    await broker.connect();
    const started = performance.now();
    const error = await broker.publish('q', message()).catch((e: unknown) => e);
    expect(TqError.is(error, 'TQ_BROKER_CONNECTION')).toBe(true);
    expect((error as Error).message).toMatch(/^Unreachable at cache\.internal:6379 did not confirm publish\(\) within 300 ms/);
    expect(performance.now() - started).toBeLessThan(5000); // bounded, not the driver's own retry budget
    await broker.close();
  });

  it("a driver's own error becomes a BrokerConnectionError naming the broker, the original kept as cause", async () => {
    const raw = Object.assign(new Error('Reached the max retries per request limit (which is 20).'), { name: 'MaxRetriesPerRequestError' });
    class Failing extends CountingBroker {
      readonly address = 'cache.internal:6379';
      override async publish(): Promise<void> {
        throw raw;
      }
    }
    const broker = new RuntimeBroker(new Failing(), context());
    await broker.connect();
    const error = await broker.publish('q', message()).catch((e: unknown) => e);
    expect(TqError.is(error, 'TQ_BROKER_CONNECTION')).toBe(true);
    expect((error as Error).message).toBe(
      'Failing at cache.internal:6379: publish() failed (MaxRetriesPerRequestError: Reached the max retries per request limit (which is 20).)',
    );
    expect((error as Error).cause).toBe(raw);
    await broker.close();
  });
});

describe('runtime backend', () => {
  it('refuses chords on a backend without atomic counters, naming what to use', async () => {
    class NoCounters extends MemoryResultBackend {
      override readonly capabilities = { ...new MemoryResultBackend().capabilities, atomicCounters: false };
    }
    const backend = new RuntimeBackend(new NoCounters(), context());
    await backend.connect({ replyTo: 'x' } satisfies BackendConnectContext);
    await expect(backend.initChord('c', 2)).rejects.toThrow(/atomic counters.*redis:\/\//);
    await backend.close();
  });

  it('get() without a timeout does not hang when every pushed record is lost: it re-reads the key', async () => {
    const app = appOn(new MemoryBroker(), new DeafBackend());
    // Slower than get()'s first read, so only a later re-read can see the result.
    const add = app.task('add', async (x: number, y: number) => {
      await sleep(100);
      return x + y;
    });
    const worker = app.worker();
    await worker.start();
    const result = await add.delay(2, 3);
    expect(await result.get()).toBe(5);
    await worker.close();
  }, 15_000);
});

describe('worker and app lifecycle', () => {
  it('two concurrent start() calls consume once; after close() nothing is redelivered to a leftover subscription', async () => {
    const transport = new CountingBroker({ visibilityTimeoutMs: 200 });
    const app = appOn(transport);
    let runs = 0;
    const work = app.task('work', async () => {
      runs++;
    });
    const worker = app.worker();
    await Promise.all([worker.start(), worker.start()]);
    expect(transport.consumes).toBe(1);
    await worker.close();
    await work.delay();
    await sleep(400);
    expect(runs).toBe(0);
    expect(await (await app.broker()).size('celery')).toBe(1);
  });

  it('start() after close() is refused and the message stays queued', async () => {
    const transport = new CountingBroker();
    const app = appOn(transport);
    const work = app.task('work', async () => 1);
    const worker = app.worker();
    await worker.close();
    await work.delay();
    await expect(worker.start()).rejects.toThrow(/closed; make a new one/);
    expect(await (await app.broker()).size('celery')).toBe(1);
    const next = app.worker();
    await next.start();
    await expect.poll(async () => (await app.broker()).size('celery')).toBe(0);
    await next.close();
  });

  it('closing an app that was never used connects nothing', async () => {
    const transport = new CountingBroker();
    const app = appOn(transport);
    await app.close();
    expect(transport.connects).toBe(0);
    expect(transport.closes).toBe(0);
  });

  it('attempt hooks report each task run with its outcome', async () => {
    const app = appOn(new MemoryBroker());
    const outcomes: string[] = [];
    app.hooks.on('attempt', (event) => outcomes.push(`${event.phase}:${event.task}:${event.outcome ?? ''}`));
    const ok = app.task('ok', async () => 1);
    const bad = app.task('bad', async () => {
      throw new Error('no');
    });
    const worker = app.worker({ concurrency: 1 });
    await worker.start();
    await (await ok.delay()).get({ timeoutMs: 5000 });
    await (await bad.delay()).get({ timeoutMs: 5000 }).catch(() => undefined);
    await worker.close();
    expect(outcomes).toEqual(['start:ok:', 'stop:ok:success', 'start:bad:', 'stop:bad:failure']);
  });

  it('the stored record of a task reaches get() through the runtime backend', async () => {
    const app = appOn(new MemoryBroker());
    const backend = await app.resultBackend();
    expect(backend).toBeInstanceOf(RuntimeBackend);
    const meta: ResultMeta = {
      status: 'SUCCESS',
      result: 42,
      traceback: null,
      children: [],
      date_done: new Date().toISOString(),
      task_id: 't1',
    };
    await backend.set('t1', meta);
    expect(await app.asyncResult('t1').get({ timeoutMs: 1000 })).toBe(42);
  });
});
