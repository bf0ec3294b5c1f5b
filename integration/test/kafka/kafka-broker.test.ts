import { setTimeout as sleep } from 'node:timers/promises';
import { createApp, createTaskMessage, type Delivery, defaultLogger, TqError } from '@tq/core';
import { KafkaBroker, KafkajsClient, queueTopics, transport } from '@tq/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { LOADED_MACHINE_SLACK_MS, reportMs } from '../../harness/timing.js';
import { deleteQueues, kafkaSeeds, TEST_TIERS_MS, testBroker, uniqueQueue } from './kafka-support.js';

const message = (args: unknown[] = []) => createTaskMessage({ task: 'tq.kafka.test', id: crypto.randomUUID(), args });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function broker(overrides: ConstructorParameters<typeof KafkaBroker>[0] = {}): Promise<KafkaBroker> {
  const b = testBroker(overrides);
  await b.connect();
  cleanups.push(() => b.close({ force: true }));
  return b;
}

function queue(label: string): string {
  const name = uniqueQueue(label);
  cleanups.push(() => deleteQueues([name]));
  return name;
}

async function admin(): Promise<KafkajsClient> {
  const client = new KafkajsClient({ brokers: kafkaSeeds() });
  await client.connect();
  cleanups.push(() => client.disconnect());
  return client;
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('kafka broker: topics', () => {
  it('creates the queue topic, its delay tiers and its dead-letter topic with the configured partitions', async () => {
    const b = await broker({ partitions: 2 });
    const q = queue('topics');
    await b.publish(q, message());
    const client = await admin();
    const topics = queueTopics(q, TEST_TIERS_MS);
    for (const topic of [topics.main, ...topics.delays.map((d) => d.topic), topics.dead]) {
      expect((await client.bounds(topic)).map((p) => p.partition).sort()).toEqual([0, 1]);
    }
    expect(topics.delays.map((d) => d.topic)).toEqual([`${q}.tq-delay-1s`, `${q}.tq-delay-1m`]);
  });

  it('refuses queue names that cannot be topics, naming the rule', async () => {
    const b = await broker();
    await expect(b.publish('no spaces allowed', message())).rejects.toSatisfy(
      (e) => TqError.is(e, 'TQ_CONFIGURATION') && /A-Z a-z 0-9/.test((e as Error).message),
    );
  });
});

describe('kafka broker: per-message completion on a cumulative-ack log', () => {
  it('commits only up to the first unfinished record; a new owner re-runs that one alone', async () => {
    const [first, second] = [await broker(), await broker()];
    const q = queue('cumulative');
    // One key: one partition, so the five are offsets 0..4 of the same partition.
    const sent = Array.from({ length: 5 }, (_, i) => message([i]));
    for (const m of sent) await first.publish(q, m, { orderingKey: 'same' });
    // Different keys per record would also do; one key + a handler that does not wait for
    // settles shows per-key order: the next of the key waits for the previous to settle.
    const held: Delivery[] = [];
    const sub = await first.consume(
      [q],
      async (delivery) => {
        held.push(delivery);
        if ((delivery.message?.body[0][0] as number) > 0) await delivery.ack();
      },
      { prefetch: 5 },
    );
    await waitUntil(() => held.length === 1, 'the first delivery');
    await sleep(300);
    // Per key, the second record waits for the first to settle.
    expect(held).toHaveLength(1);
    await sub.close();
    await first.close({ force: true });

    // The group's commit still points at offset 0, with nothing done above it.
    const client = await admin();
    const committed = (await client.committed(`tq.${q}`, q)).filter((c) => c.offset >= 0);
    expect(committed.map((c) => c.offset)).toEqual([0]);

    const again: Delivery[] = [];
    await second.consume(
      [q],
      async (delivery) => {
        again.push(delivery);
        await delivery.ack();
      },
      { prefetch: 5 },
    );
    await waitUntil(() => again.length === 5, 'all five on the new owner');
    expect(again.map((d) => d.message?.headers.id)).toEqual(sent.map((m) => m.headers.id));
    expect(again.map((d) => d.deliveryCount)).toEqual([2, 1, 1, 1, 1]);
  });

  it('records finished out of order are not re-run after the owner dies; only the unfinished one is', async () => {
    const [first, second] = [await broker(), await broker()];
    const q = queue('out-of-order');
    const sent = Array.from({ length: 6 }, (_, i) => message([i]));
    // Distinct keys on one partition: a single-partition queue.
    const single = await broker({ partitions: 1 });
    for (const [i, m] of sent.entries()) await single.publish(q, m, { orderingKey: `k${i}` });
    const seen: Delivery[] = [];
    await first.consume(
      [q],
      async (delivery) => {
        seen.push(delivery);
        // Everything but record 2 completes, in whatever order the handlers finish.
        if (delivery.message?.body[0][0] !== 2) {
          await sleep(Math.random() * 20);
          await delivery.ack();
        }
      },
      { prefetch: 6 },
    );
    await waitUntil(() => seen.length === 6, 'six deliveries');
    const client = await admin();
    const commits = async () => (await client.committed(`tq.${q}`, q)).filter((c) => c.offset >= 0);
    // Commits go out asynchronously: wait for the one that covers every ack, however long its round trip.
    const covered = (c: { offset: number; metadata?: string | null }) => [c.offset, c.metadata?.includes('"d":[[3,5]]') ?? false];
    await expect.poll(async () => (await commits()).map(covered), { timeout: 10_000, interval: 50 }).toEqual([[2, true]]);
    await first.close({ force: true });

    const committed = await commits();
    expect(committed.map((c) => c.offset)).toEqual([2]);
    expect(committed[0]?.metadata).toContain('"d":[[3,5]]');

    const again: Delivery[] = [];
    await second.consume(
      [q],
      async (delivery) => {
        again.push(delivery);
        await delivery.ack();
      },
      { prefetch: 6 },
    );
    await waitUntil(() => again.length >= 1, 'the redelivery');
    await sleep(300);
    expect(again.map((d) => d.message?.body[0][0])).toEqual([2]);
    expect(again[0]?.deliveryCount).toBe(2);
    expect(await second.size(q)).toBe(0);
  });
});

describe('kafka broker: ordering keys', () => {
  it('same key: in publish order, never two at once; different keys run concurrently', async () => {
    const b = await broker();
    const q = queue('keys');
    const keys = ['a', 'b', 'c', 'd'];
    for (let seq = 0; seq < 15; seq++) for (const key of keys) await b.publish(q, message([key, seq]), { orderingKey: key });
    const order = new Map<string, number[]>(keys.map((k) => [k, []]));
    const running = new Set<string>();
    let overlapSameKey = 0;
    let peak = 0;
    let done = 0;
    await b.consume(
      [q],
      async (delivery) => {
        const [key, seq] = (delivery.message?.body[0] ?? []) as [string, number];
        if (running.has(key)) overlapSameKey++;
        running.add(key);
        peak = Math.max(peak, running.size);
        order.get(key)?.push(seq);
        await sleep(2 + Math.random() * 8);
        running.delete(key);
        await delivery.ack();
        done++;
      },
      { prefetch: 8 },
    );
    await waitUntil(() => done === 60, 'all 60');
    expect(overlapSameKey).toBe(0);
    for (const key of keys) expect(order.get(key)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(peak).toBeGreaterThan(1);
  });

  it('the app maps orderingKey to the Kafka key and refuses priorities; kafka:// URLs configure the broker', async () => {
    const q = queue('app');
    const fromUrl = transport.createBroker?.(new URL(`kafka://${kafkaSeeds()[0]}?partitions=3&delayTiersMs=1000,60000&groupPrefix=x.`), {
      logger: defaultLogger(),
    });
    expect(fromUrl).toBeInstanceOf(KafkaBroker);
    expect(fromUrl?.capabilities.delay).toEqual({ maxDelayMs: 60_000, emulated: true });
    const app = createApp({ broker: fromUrl as KafkaBroker, defaultQueue: q });
    cleanups.push(() => app.close());
    const task = app.task('tq.kafka.noop', async () => {});
    await expect(task.applyAsync([], { priority: 5 })).rejects.toSatisfy((e) => TqError.is(e, 'TQ_UNSUPPORTED_CAPABILITY'));
    await task.applyAsync([], { orderingKey: 'user-42' });
    const client = await admin();
    const [record] = await client.read(q, 10);
    expect(record?.key?.toString()).toBe('user-42');
  });
});

describe('kafka broker: delay tiers and dead letters', () => {
  it('a delay in the second tier arrives on time and keeps its key; nack({ delayMs }) keeps the delivery count across topics', async (context) => {
    const b = await broker();
    const q = queue('tiers');
    const arrivals: { delivery: Delivery; at: number }[] = [];
    await b.consume(
      [q],
      async (delivery) => {
        arrivals.push({ delivery, at: performance.now() });
        if (arrivals.length === 1) await delivery.nack({ delayMs: 300 });
        else await delivery.ack();
      },
      { prefetch: 4 },
    );
    const sentAt = performance.now();
    await b.publish(q, message(), { delayMs: 1500, orderingKey: 'late' });
    await waitUntil(() => arrivals.length === 2, 'the delivery and its delayed redelivery', 10_000);
    const [first, second] = arrivals as [(typeof arrivals)[0], (typeof arrivals)[0]];
    await reportMs(context, 'send → delivery (1500 ms delay), nack → redelivery (300 ms)', [first.at - sentAt, second.at - first.at]);
    expect(first.at - sentAt).toBeGreaterThanOrEqual(1500 - 5);
    // On time: 150 ms is the tiers' own lateness, the rest is for a loaded machine.
    expect(first.at - sentAt).toBeLessThan(1500 + 150 + LOADED_MACHINE_SLACK_MS);
    expect(second.at - first.at).toBeGreaterThanOrEqual(300 - 5);
    // A deliberate return keeps the count (Delivery.deliveryCount).
    expect(second.delivery.deliveryCount).toBe(1);
    expect(await b.size(q)).toBe(0);
  });

  it('dead letters carry the reason, the queue and where they came from', async () => {
    const b = await broker();
    const q = queue('dead');
    await b.publish(q, message());
    const seen: Delivery[] = [];
    await b.consume(
      [q],
      async (delivery) => {
        seen.push(delivery);
        await delivery.deadLetter('parked for the test');
      },
      { prefetch: 1 },
    );
    await waitUntil(() => seen.length === 1, 'the delivery');
    const letters = await b.deadLetters(q);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ reason: 'parked for the test', queue: q });
    const client = await admin();
    const [record] = await client.read(`${q}.tq-dead`, 1);
    expect(record?.headers['tq-dead-source']).toMatch(new RegExp(`^${q}/\\d+/0$`));
  });
});
