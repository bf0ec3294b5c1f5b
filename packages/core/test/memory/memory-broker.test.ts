import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { TqError } from '../../src/errors/index.js';
import { MemoryBroker } from '../../src/memory/index.js';
import { createTaskMessage } from '../../src/protocol/index.js';
import type { Broker, Delivery } from '../../src/spec/index.js';

const open: Broker[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((broker) => broker.close()));
});

async function connected(config?: ConstructorParameters<typeof MemoryBroker>[0]): Promise<MemoryBroker> {
  const broker = new MemoryBroker(config);
  open.push(broker);
  await broker.connect();
  return broker;
}

function message(id = crypto.randomUUID(), priority?: number) {
  return createTaskMessage({ task: 'memory.test', id, args: [id], priority });
}

/** Consume, ack everything, return what arrived. */
async function collect(broker: Broker, queue: string): Promise<Delivery[]> {
  const received: Delivery[] = [];
  await broker.consume(
    [queue],
    async (d) => {
      received.push(d);
      await d.ack();
    },
    { prefetch: 10 },
  );
  return received;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await sleep(5);
  expect(condition()).toBe(true);
}

/** Timers alive in this process (vitest's own included; tests compare counts). */
function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe('MemoryBroker', () => {
  it('publishRaw stores bytes as given; undecodable ones arrive with decodeError and message undefined', async () => {
    const broker = await connected();
    await broker.publishRaw('q', 'definitely not json');
    await broker.publishRaw('q', new Uint8Array([0xff, 0xfe, 0x00]));
    const received = await collect(broker, 'q');
    await until(() => received.length === 2);
    for (const delivery of received) {
      expect(delivery.message).toBeUndefined();
      expect(TqError.is(delivery.decodeError, 'TQ_MESSAGE_DECODE')).toBe(true);
    }
    expect(Buffer.from(received[0]?.raw ?? []).toString()).toBe('definitely not json');
    expect([...(received[1]?.raw ?? [])]).toEqual([0xff, 0xfe, 0x00]);
  });

  it('publishRaw of a real envelope decodes like a published message', async () => {
    const producer = await connected();
    const original = message();
    await producer.publish('q', original);
    const first = await collect(producer, 'q');
    await until(() => first.length === 1);
    await producer.publishRaw('q2', first[0]?.raw ?? new Uint8Array());
    const second = await collect(producer, 'q2');
    await until(() => second.length === 1);
    expect(second[0]?.message?.headers).toEqual(original.headers);
  });

  it('close() disarms its timer: a pending delay keeps nothing alive', async () => {
    const before = activeTimers();
    const broker = await connected();
    await broker.publish('q', message(), { delayMs: 60_000 });
    expect(activeTimers()).toBe(before + 1);
    await broker.close();
    expect(activeTimers()).toBe(before);
  });

  it('reconnecting re-arms pending delays', async () => {
    const broker = await connected();
    await broker.publish('q', message(), { delayMs: 80 });
    await broker.close();
    await sleep(120);
    await broker.connect();
    const received = await collect(broker, 'q');
    await until(() => received.length === 1);
  });

  it('delays longer than setTimeout allows are accepted (the timer re-arms)', async () => {
    const broker = await connected();
    await broker.publish('q', message(), { delayMs: 40 * 24 * 60 * 60_000 });
    expect(await broker.size('q')).toBe(1);
  });

  it('a stale delivery (its visibility deadline passed) cannot settle the redelivery', async () => {
    const broker = await connected({ visibilityTimeoutMs: 50 });
    await broker.publish('q', message());
    const seen: Delivery[] = [];
    await broker.consume(
      ['q'],
      async (d) => {
        seen.push(d);
      },
      { prefetch: 5 },
    );
    await until(() => seen.length === 2);
    await seen[0]?.ack();
    await seen[0]?.deadLetter('stale');
    await until(() => seen.length === 3); // the stale ack changed nothing: it came back again
    await seen[2]?.ack();
    expect(seen.map((d) => d.deliveryCount)).toEqual([1, 2, 3]);
    expect(await broker.deadLetters('q')).toEqual([]);
  });

  it('out-of-range priorities are clamped to 0..9', async () => {
    const broker = await connected();
    const [low, high, mid] = [message(), message(), message()];
    await broker.publish('q', low, { priority: -3 });
    await broker.publish('q', mid, { priority: 5 });
    await broker.publish('q', high, { priority: 42 });
    const received = await collect(broker, 'q');
    await until(() => received.length === 3);
    expect(received.map((d) => d.message?.headers.id)).toEqual([high.headers.id, mid.headers.id, low.headers.id]);
    expect(received.map((d) => d.message?.properties.priority)).toEqual([9, 5, 0]);
  });

  it('the message priority is the default when publish options give none', async () => {
    const broker = await connected();
    const [low, high] = [message(undefined, 1), message(undefined, 8)];
    await broker.publish('q', low);
    await broker.publish('q', high);
    const received = await collect(broker, 'q');
    await until(() => received.length === 2);
    expect(received.map((d) => d.message?.headers.id)).toEqual([high.headers.id, low.headers.id]);
  });

  it('refuses bad configuration up front', () => {
    expect(() => new MemoryBroker({ visibilityTimeoutMs: 0 })).toThrow(/visibilityTimeoutMs/);
    expect(() => new MemoryBroker({ visibilityTimeoutMs: Number.POSITIVE_INFINITY })).toThrow(/visibilityTimeoutMs/);
    expect(() => new MemoryBroker({ maxMessageBytes: Number.NaN })).toThrow(/maxMessageBytes/);
  });

  it('a delivery handed out before close() can still be settled after it', async () => {
    const broker = await connected();
    await broker.publish('q', message());
    const seen: Delivery[] = [];
    const subscription = await broker.consume(
      ['q'],
      async (d) => {
        seen.push(d);
      },
      { prefetch: 1 },
    );
    await until(() => seen.length === 1);
    await subscription.close();
    await seen[0]?.nack({ requeue: true });
    expect(await broker.size('q')).toBe(1);
  });

  it('deadLetters(queue, limit) returns the oldest first, copies', async () => {
    const broker = await connected();
    for (let i = 0; i < 3; i++) await broker.publishRaw('q', `poison ${i}`);
    await broker.consume(['q'], (d) => d.deadLetter(`reason ${Buffer.from(d.raw).toString()}`), { prefetch: 3 });
    let parked = 0;
    for (let i = 0; i < 100 && parked < 3; i++, await sleep(5)) parked = (await broker.deadLetters('q')).length;
    expect(parked).toBe(3);
    const letters = await broker.deadLetters('q', 2);
    expect(letters.map((l) => l.reason)).toEqual(['reason poison 0', 'reason poison 1']);
    letters[0]?.raw.fill(0);
    expect(Buffer.from((await broker.deadLetters('q', 1))[0]?.raw ?? []).toString()).toBe('poison 0');
  });
});

describe('memory broker under a worker', () => {
  it('a task running several visibility timeouts long runs once: the worker keeps it invisible', async () => {
    const { createApp } = await import('../../src/client/app.js');
    const name = `heartbeat-${crypto.randomUUID()}`;
    const app = createApp({ broker: new MemoryBroker({ name, visibilityTimeoutMs: 150 }), logger: undefined });
    let runs = 0;
    let finished = 0;
    const slow = app.task('memory.slow', async () => {
      runs++;
      await sleep(700);
      finished++;
      return runs;
    });
    // Two workers: a message that came back would go to the idle one and run twice.
    const workers = [app.worker({ concurrency: 1 }), app.worker({ concurrency: 1 })];
    for (const worker of workers) await worker.start();
    try {
      await slow.delay();
      // However late a loaded machine runs it: by the time it finished, a redelivery would have run.
      await expect.poll(() => finished, { timeout: 3000 }).toBe(1);
      expect(runs).toBe(1);
      await expect.poll(async () => (await app.broker()).size(app.defaultQueue), { timeout: 1000 }).toBe(0);
    } finally {
      for (const worker of workers) await worker.close();
      await app.close();
    }
  });
});
