import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventChannel, PlaneMessage } from '@tq/core';
import { expect } from 'vitest';
import { testIf } from '../support/test-if.js';
import { waitUntil } from '../support/wait-until.js';
import type { BrokerConformanceConfig } from './broker-conformance-config.js';
import { BrokerKit } from './broker-kit.js';

/** How long a test waits for an event: far above what a healthy transport needs, for a loaded machine. */
const ARRIVAL_TIMEOUT_MS = 15_000;
/** Far longer than an event takes through a broker, even an unconfirmed publish on a loaded machine. */
const SETTLE_MS = 1000;
/** Per-test timeout: warming up and a few round trips. */
const TEST_TIMEOUT_MS = 45_000;

/** One subscription of a test: what it received, and how to end it. */
interface Subscriber {
  pattern: string;
  /** Routing keys of the test's own events received (probes left out), in arrival order. */
  keys: string[];
  messages: { routingKey: string; event: PlaneMessage }[];
  probed: boolean;
  stop(): Promise<void>;
}

/**
 * The event channel as a transport moves it (`capabilities.events`, spec §8): AMQP topic
 * patterns, a copy per subscriber, nothing after unsubscribing, nothing stored for later. The
 * broker is shared with other tests and workers, so each test only counts events carrying its own
 * `hostname` header; and since some transports make a new subscriber reachable only shortly after
 * `subscribe()` resolves (best effort: SQS lists subscriber queues, Kafka tails from the end),
 * every subscriber is warmed up with probe events before the events that count are published.
 */
export function eventChannelTests(config: BrokerConformanceConfig): void {
  const test = testIf(config.capabilities.events, 'events');

  /** A test's event channels (publisher and subscriber on different broker handles) and its marker. */
  async function setup(kit: BrokerKit) {
    const publisher = channelOf(await kit.broker());
    const subscriberBroker = channelOf(await kit.broker());
    const hostname = `conformance-${randomUUID()}@events`;
    const message = (text: string, probe = false): PlaneMessage => ({
      body: Buffer.from(JSON.stringify({ text, probe })),
      headers: { hostname },
    });
    const publish = (routingKey: string, text = routingKey) => publisher.publish(routingKey, message(text));

    const subscribe = async (pattern: string): Promise<Subscriber> => {
      const subscriber: Subscriber = { pattern, keys: [], messages: [], probed: false, stop: async () => undefined };
      subscriber.stop = await subscriberBroker.subscribe(pattern, (routingKey, event) => {
        if (event.headers.hostname !== hostname) return;
        if (bodyOf(event).probe) subscriber.probed = true;
        else {
          subscriber.keys.push(routingKey);
          subscriber.messages.push({ routingKey, event });
        }
      });
      return subscriber;
    };

    /** Publish probes (each under a key its pattern matches) until every subscriber got one. */
    const warmUp = async (subscribers: Subscriber[]) => {
      const deadline = performance.now() + ARRIVAL_TIMEOUT_MS;
      while (!subscribers.every((s) => s.probed)) {
        const cold = subscribers.filter((s) => !s.probed);
        if (performance.now() > deadline)
          throw new Error(`Timed out warming up the subscribers to ${cold.map((s) => s.pattern).join(', ')}`);
        for (const s of cold) await publisher.publish(probeKey(s.pattern), message('probe', true));
        await sleep(50);
      }
    };
    return { publish, subscribe, warmUp, hostname };
  }

  test(
    'a subscriber gets the events its pattern matches (#, worker.#, task.*, exact) and no others',
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      const { publish, subscribe, warmUp, hostname } = await setup(kit);
      const subscribers = [
        await subscribe('#'),
        await subscribe('worker.#'),
        await subscribe('task.*'),
        await subscribe('worker.heartbeat'),
      ];
      await warmUp(subscribers);

      const keys = ['worker.online', 'worker.heartbeat', 'task.multi', 'task.sent', 'other.event'];
      for (const key of keys) await publish(key);
      const [all, workers, tasks, heartbeats] = subscribers as [Subscriber, Subscriber, Subscriber, Subscriber];
      await waitUntil(() => all.keys.length === keys.length, 'every event at #', ARRIVAL_TIMEOUT_MS);
      await waitUntil(
        () => workers.keys.length >= 2 && tasks.keys.length >= 2 && heartbeats.keys.length >= 1,
        'the matching events',
        ARRIVAL_TIMEOUT_MS,
      );

      expect([...all.keys].sort()).toEqual([...keys].sort());
      expect([...workers.keys].sort()).toEqual(['worker.heartbeat', 'worker.online']);
      expect([...tasks.keys].sort()).toEqual(['task.multi', 'task.sent']);
      expect(heartbeats.keys).toEqual(['worker.heartbeat']);
      // Body and headers arrive as published.
      const multi = all.messages.find((m) => m.routingKey === 'task.multi');
      expect(multi && bodyOf(multi.event)).toEqual({ text: 'task.multi', probe: false });
      expect(multi?.event.headers.hostname).toBe(hostname);
      await Promise.all(subscribers.map((s) => s.stop()));
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'several subscribers each get their own copy of an event',
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      const { publish, subscribe, warmUp } = await setup(kit);
      const subscribers = [await subscribe('#'), await subscribe('#'), await subscribe('task.#')];
      await warmUp(subscribers);
      await publish('task.succeeded', 'one');
      await publish('task.failed', 'two');
      await waitUntil(() => subscribers.every((s) => s.keys.length >= 2), 'a copy for every subscriber', ARRIVAL_TIMEOUT_MS);
      for (const subscriber of subscribers) {
        expect([...subscriber.keys].sort()).toEqual(['task.failed', 'task.succeeded']);
        const texts = subscriber.messages.map((m) => bodyOf(m.event).text).sort();
        expect(texts).toEqual(['one', 'two']);
      }
      await Promise.all(subscribers.map((s) => s.stop()));
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'nothing arrives after unsubscribing',
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      const { publish, subscribe, warmUp } = await setup(kit);
      const leaving = await subscribe('#');
      const staying = await subscribe('#');
      await warmUp([leaving, staying]);
      await leaving.stop();
      await publish('worker.heartbeat', 'after');
      // Once the one still subscribed has it, the one that left would have had it too.
      await waitUntil(() => staying.keys.length === 1, 'the event at the remaining subscriber', ARRIVAL_TIMEOUT_MS);
      expect(leaving.keys).toEqual([]);
      await staying.stop();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'events published while nobody subscribes are dropped, not kept for a later subscriber',
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      const { publish, subscribe, warmUp } = await setup(kit);
      await publish('worker.heartbeat', 'unheard');
      await publish('task.multi', 'unheard');
      // A publish may resolve before the broker routed it (AMQP without confirms): once these are
      // surely through, a subscriber that starts now must not get them.
      await sleep(SETTLE_MS);
      const late = await subscribe('#');
      await warmUp([late]);
      await publish('worker.offline', 'heard');
      await waitUntil(() => late.keys.includes('worker.offline'), 'the event published after subscribing', ARRIVAL_TIMEOUT_MS);
      expect(late.keys).toEqual(['worker.offline']);
      await late.stop();
    },
    TEST_TIMEOUT_MS,
  );
}

/** The broker's event channel; the suite only calls this where `capabilities.events` is declared. */
function channelOf(broker: { events?: EventChannel }): EventChannel {
  if (!broker.events) throw new Error('capabilities.events is declared but the broker has no events channel');
  return broker.events;
}

/** The test body of an event: `{ text, probe }`. */
function bodyOf(event: PlaneMessage): { text: string; probe: boolean } {
  return JSON.parse(Buffer.from(event.body).toString('utf8'));
}

/** A routing key `pattern` matches (the suite's patterns: `#`, `a.#`, `a.*`, or an exact key). */
function probeKey(pattern: string): string {
  return pattern === '#' ? 'conformance.probe' : pattern.replace(/\.[#*]$/, '.probe');
}
