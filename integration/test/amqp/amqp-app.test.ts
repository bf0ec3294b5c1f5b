import { randomUUID } from 'node:crypto';
import { AmqpBroker, RpcResultBackend } from '@tq/amqp';
import { type App, chain, chord, createApp, TqError } from '@tq/core';
import { connect } from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { amqpUrl, deleteQueues, publishRaw, quietLogger, testBroker } from './amqp-support.js';

// Task failures are expected here; keep the apps' default pino loggers quiet.
process.env.TQ_LOG_LEVEL ??= 'fatal';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A client app and a worker app on the same RabbitMQ, rpc:// results to the client. The client is
 * connected (its reply queue declared) unless `connect` is false: the lazy path, where the app
 * must declare it before its first send, has its own test below.
 */
async function apps(queue: string, connect = true) {
  const backend = new RpcResultBackend({ url: amqpUrl(), logger: quietLogger });
  const client = createApp({ broker: testBroker(), backend, defaultQueue: queue });
  const worker = createApp({
    broker: testBroker(),
    backend: new RpcResultBackend({ url: amqpUrl(), logger: quietLogger }),
    defaultQueue: queue,
  });
  cleanups.push(async () => {
    await Promise.all([client.close(), worker.close()]);
    await deleteQueues([queue]);
  });
  if (connect) await client.connect();
  return { client, worker };
}

function define(app: App, calls: Map<string, number>) {
  return {
    add: app.task('add', (a: number, b: number) => a + b),
    sum: app.task('sum', (values: number[]) => values.reduce((a, b) => a + b, 0)),
    boom: app.task('boom', () => {
      throw new RangeError('kaput');
    }),
    stamp: app.task('stamp', (at: Date, bytes: Buffer) => ({ at, bytes, later: new Date(at.getTime() + 1000) })),
    flaky: app.task('flaky', { retry: { max: 3, backoff: 'fixed', baseMs: 100, jitter: false } }, (key: string) => {
      const n = (calls.get(key) ?? 0) + 1;
      calls.set(key, n);
      if (n < 3) throw new Error(`attempt ${n}`);
      return n;
    }),
  };
}

/** `apps()` with the tasks defined on both sides and a started worker (2 slots) on the queue. */
async function running(queue: string) {
  const { client, worker } = await apps(queue);
  const tasks = define(client, new Map());
  define(worker, new Map());
  const w = worker.worker({ queues: [queue], concurrency: 2 });
  await w.start();
  cleanups.push(() => w.close());
  return { tasks };
}

describe('tq app and worker over RabbitMQ with rpc:// results', () => {
  it('runs tasks: results, failures, countdowns, retries with backoff', async () => {
    const queue = `tq-it-app-${randomUUID()}`;
    const { client, worker } = await apps(queue);
    const calls = new Map<string, number>();
    const tasks = define(client, calls);
    define(worker, calls);
    const w = worker.worker({ queues: [queue], concurrency: 4 });
    await w.start();
    cleanups.push(() => w.close());

    expect(await (await tasks.add.delay(2, 3)).get({ timeoutMs: 10_000 })).toBe(5);
    await expect((await tasks.boom.delay()).get({ timeoutMs: 10_000 })).rejects.toMatchObject({
      message: expect.stringContaining('kaput'),
    });

    const sentAt = performance.now();
    const later = await tasks.add.applyAsync([20, 22], { countdownMs: 400 });
    expect(await later.get({ timeoutMs: 10_000 })).toBe(42);
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(395);

    const retried = await tasks.flaky.delay('k1');
    expect(await retried.get({ timeoutMs: 10_000 })).toBe(3);
    expect(calls.get('k1')).toBe(3);
  });

  it('a reply sent before the caller first reads results is kept: the app declares its reply queue before it sends', async () => {
    const queue = `tq-it-lazy-${randomUUID()}`;
    const { client, worker } = await apps(queue, false);
    const tasks = define(client, new Map());
    define(worker, new Map());
    const answered = new Set<string>();
    worker.hooks.on('operation', (event) => {
      if (event.component === 'backend' && event.operation === 'set' && event.phase === 'stop' && event.target) answered.add(event.target);
    });
    const w = worker.worker({ queues: [queue], concurrency: 1 });
    await w.start();
    cleanups.push(() => w.close());
    const result = await tasks.add.delay(2, 3);
    for (let i = 0; i < 200 && !answered.has(result.id); i++) await new Promise((r) => setTimeout(r, 25));
    expect(answered.has(result.id)).toBe(true);
    // Only now does the client touch its result backend: the reply must be waiting in its queue.
    expect(await result.get({ timeoutMs: 5_000 })).toBe(5);
  });

  it('a Date and bytes in a result come back as a Date and bytes (kombu-tagged on the reply queue)', async () => {
    const { tasks } = await running(`tq-it-values-${randomUUID()}`);
    const at = new Date('2026-12-03T10:00:00.123Z');
    const result = await tasks.stamp.delay(at, Buffer.from([0, 1, 254, 255]));
    const value = await result.get({ timeoutMs: 10_000 });
    expect(value.at).toEqual(at);
    expect(value.later).toEqual(new Date('2026-12-03T10:00:01.123Z'));
    expect(Buffer.from(value.bytes)).toEqual(Buffer.from([0, 1, 254, 255]));
  });

  it('a chain sent by the worker step by step reports its last result to the caller', async () => {
    const { tasks } = await running(`tq-it-chain-${randomUUID()}`);
    const result = await chain(tasks.add.s(1, 2), tasks.add.s(3), tasks.add.s(4)).delay();
    expect(await result.get({ timeoutMs: 10_000 })).toBe(10);
  });

  it('revoke reaches the worker over the pidbox fanout; the caller sees REVOKED', async () => {
    const { tasks } = await running(`tq-it-revoke-${randomUUID()}`);
    const result = await tasks.add.applyAsync([1, 1], { countdownMs: 500 });
    await result.revoke();
    await expect(result.get({ timeoutMs: 10_000 })).rejects.toSatisfy((e) => TqError.is(e, 'TQ_TASK_REVOKED'));
  });

  it('chord() is refused with rpc:// (no atomic counters), naming redis://', async () => {
    const queue = `tq-it-chord-${randomUUID()}`;
    const { client } = await apps(queue);
    const tasks = define(client, new Map());
    await expect(chord([tasks.add.s(1, 1), tasks.add.s(2, 2)], tasks.sum.s()).applyAsync([])).rejects.toSatisfy(
      (e) => TqError.is(e, 'TQ_UNSUPPORTED_CAPABILITY') && /redis:\/\//.test((e as Error).message),
    );
  });

  it('the worker dead-letters a poison message with the reason, readable without consuming it', async () => {
    const queue = `tq-it-poison-${randomUUID()}`;
    const { worker } = await apps(queue);
    const broker = await worker.broker();
    await publishRaw(broker, queue, 'not json at all');
    const w = worker.worker({ queues: [queue], concurrency: 1 });
    await w.start();
    cleanups.push(() => w.close());
    let letters = await broker.deadLetters?.(queue);
    for (let i = 0; i < 100 && !letters?.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      letters = await broker.deadLetters?.(queue);
    }
    expect(letters).toHaveLength(1);
    expect(Buffer.from(letters?.[0]?.raw ?? []).toString()).toBe('not json at all');
    expect(letters?.[0]?.reason).toMatch(/no 'task' header/);
    // Read, not consumed: still there.
    expect(await broker.deadLetters?.(queue)).toHaveLength(1);
  });
});

describe('queue declarations', () => {
  it('an existing queue with other arguments fails clearly, naming the argument; the broker keeps working', async () => {
    const queue = `tq-it-args-${randomUUID()}`;
    const other = `tq-it-args-ok-${randomUUID()}`;
    const connection = await connect(amqpUrl());
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-max-priority': 5 } });
    await connection.close();
    const broker = new AmqpBroker({ url: amqpUrl(), logger: quietLogger });
    cleanups.push(async () => {
      await broker.close();
      await deleteQueues([queue, other]);
    });
    await broker.connect();
    const message = (await import('@tq/core')).createTaskMessage({ task: 't', id: randomUUID() });
    const error = await broker.publish(queue, message).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
    expect((error as Error).message).toMatch(/Queue '.*' already exists.*'x-max-priority'/);
    // PRECONDITION_FAILED closed the declaring channel; tq opened a new one.
    await broker.publish(other, message);
    expect(await broker.size(other)).toBe(1);
  });
});
