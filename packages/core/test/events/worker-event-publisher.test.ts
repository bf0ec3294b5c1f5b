import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEvents } from '../../src/events/decode-events.js';
import {
  type Broker,
  type CeleryEvent,
  ConfigurationError,
  type EventChannel,
  LamportClock,
  MemoryBroker,
  RuntimeBroker,
  RuntimeHooks,
  WorkerEventPublisher,
  type WorkerEventPublisherOptions,
  type WorkerEvents,
} from '../../src/index.js';

interface Received {
  routingKey: string;
  hostname: unknown;
  events: CeleryEvent[];
}

let brokers: MemoryBroker[] = [];
let publishers: WorkerEventPublisher[] = [];
afterEach(async () => {
  await Promise.all(publishers.map((p) => p.stop()));
  await Promise.all(brokers.map((b) => b.close().catch(() => undefined)));
  brokers = [];
  publishers = [];
});

/** A real memory broker's event channel, with everything published on it collected. */
async function channel(): Promise<{ broker: MemoryBroker; received: Received[] }> {
  const broker = new MemoryBroker({ name: `events-${randomUUID()}` });
  brokers.push(broker);
  await broker.connect();
  const received: Received[] = [];
  await broker.events.subscribe('#', (routingKey, message) => {
    received.push({ routingKey, hostname: message.headers.hostname, events: decodeEvents(message.body).events });
  });
  return { broker, received };
}

function warnings(): { logger: pino.Logger; lines: { msg: string; suppressed?: number }[] } {
  const lines: { msg: string; suppressed?: number }[] = [];
  return { logger: pino({ level: 'warn' }, { write: (json: string) => lines.push(JSON.parse(json)) }), lines };
}

function publisher(broker: Pick<Broker, 'events'>, options: Partial<WorkerEventPublisherOptions> = {}) {
  const source = {
    hostname: `w-${randomUUID().slice(0, 8)}@test`,
    events: new EventEmitter<WorkerEvents>(),
    active: () => 1,
    processed: () => 4,
    clock: new LamportClock(),
  };
  const made = new WorkerEventPublisher(broker.events as EventChannel, source, {
    taskEvents: true,
    heartbeatIntervalMs: 60_000,
    logger: warnings().logger,
    ...options,
  });
  publishers.push(made);
  return { publisher: made, source };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const task = (id: string) => ({ id, name: 'tasks.add', hostname: 'ignored', timestamp: Date.now() });

describe('WorkerEventPublisher', () => {
  it('announces the worker, heartbeats at the interval, and says goodbye last', async () => {
    const { broker, received } = await channel();
    const { publisher: p, source } = publisher(broker, { heartbeatIntervalMs: 40 });
    await p.start();
    await until(() => received.filter((r) => r.routingKey === 'worker.heartbeat').length >= 2, 'two heartbeats');
    await p.stop();
    await until(() => received.at(-1)?.routingKey === 'worker.offline', 'worker-offline');

    expect(received[0]?.routingKey).toBe('worker.online');
    const online = received[0]?.events[0] as CeleryEvent;
    expect(received[0]?.hostname).toBe(source.hostname);
    expect(online).toMatchObject({
      type: 'worker-online',
      hostname: source.hostname,
      pid: process.pid,
      clock: 1,
      freq: 0.04,
      active: 1,
      processed: 4,
      sw_ident: 'tq',
      sw_ver: expect.stringMatching(/^\d+\.\d+\.\d+/),
      sw_sys: expect.any(String),
    });
    expect(online.loadavg).toHaveLength(3);
    expect(Math.abs(online.timestamp - Date.now() / 1000)).toBeLessThan(60);
    const clocks = received.flatMap((r) => r.events.map((e) => e.clock));
    expect(clocks).toEqual([...clocks].sort((a, b) => a - b));
    const count = received.length;
    await sleep(120);
    // Nothing after offline: heartbeats stopped.
    expect(received.length).toBe(count);
  });

  it('batches task events on task.multi, flushing after the interval, at the buffer limit and on stop', async () => {
    const { broker, received } = await channel();
    const { publisher: p, source } = publisher(broker, { bufferLimit: 3, flushIntervalMs: 30 });
    await p.start();
    const id = randomUUID();
    source.events.emit('task-received', {
      ...task(id),
      args: [2, 3],
      kwargs: {},
      argsRepr: '(2, 3)',
      kwargsRepr: '{}',
      rootId: id,
      parentId: null,
      retries: 0,
      eta: null,
      expires: null,
    });
    source.events.emit('task-started', task(id));
    await until(() => received.some((r) => r.routingKey === 'task.multi'), 'the timed flush');
    source.events.emit('task-succeeded', { ...task(id), result: 5, runtimeMs: 2 });
    source.events.emit('task-started', task('b'));
    source.events.emit('task-started', task('c'));
    // The limit (3) flushes at once; 'd' waits for stop().
    source.events.emit('task-started', task('d'));
    await until(() => received.filter((r) => r.routingKey === 'task.multi').length === 2, 'the flush at the limit');
    await p.stop();

    const batches = received.filter((r) => r.routingKey === 'task.multi');
    expect(batches.map((b) => b.events.map((e) => `${e.type}:${e.uuid}`))).toEqual([
      [`task-received:${id}`, `task-started:${id}`],
      [`task-succeeded:${id}`, 'task-started:b', 'task-started:c'],
      ['task-started:d'],
    ]);
    expect(batches.every((b) => b.hostname === source.hostname)).toBe(true);
    expect(batches[0]?.events[0]).toMatchObject({ hostname: source.hostname, args: '(2, 3)', kwargs: '{}', root_id: id, parent_id: null });
    expect(batches[1]?.events[0]).toMatchObject({ result: '5', runtime: 0.002 });
    // The task events come before offline, which is last.
    expect(received.map((r) => r.routingKey).at(-1)).toBe('worker.offline');
    expect(received.map((r) => r.routingKey).indexOf('worker.offline')).toBe(received.length - 1);
  });

  it('with task events off it does not listen at all; they can be turned on and off while running', async () => {
    const { broker, received } = await channel();
    const { publisher: p, source } = publisher(broker, { taskEvents: false, flushIntervalMs: 60_000 });
    await p.start();
    // Not listening: the worker builds no payloads.
    expect(source.events.listenerCount('task-started')).toBe(0);
    p.setTaskEvents(true);
    expect(source.events.listenerCount('task-started')).toBe(1);
    source.events.emit('task-started', task('a'));
    // Turning them off sends what is buffered now, not after the (long) interval.
    p.setTaskEvents(false);
    await until(() => received.some((r) => r.routingKey === 'task.multi'), 'the flush on disable');
    expect(source.events.listenerCount('task-started')).toBe(0);
    expect(received.find((r) => r.routingKey === 'task.multi')?.events.map((e) => e.uuid)).toEqual(['a']);
    p.heartbeat();
    await until(() => received.some((r) => r.routingKey === 'worker.heartbeat'), 'the heartbeat on demand');
  });

  it('a broker that fails is logged, rate-limited, and never reaches the worker', async () => {
    const { logger, lines } = warnings();
    // Core's runtime around a closed broker refuses every publish, as after a lost connection.
    const closed = new RuntimeBroker(new MemoryBroker(), { logger, hooks: new RuntimeHooks() });
    await closed.connect();
    await closed.close();
    const { publisher: p, source } = publisher(closed, { logger, flushIntervalMs: 5 });
    // Resolves although worker-online could not be sent.
    await p.start();
    // A result whose repr throws, and sends that fail: the emitting worker sees nothing of it.
    const hostile = {
      toJSON() {
        throw new Error('no repr');
      },
    };
    expect(() => source.events.emit('task-succeeded', { ...task('x'), result: hostile, runtimeMs: 1 })).not.toThrow();
    source.events.emit('task-started', task('y'));
    p.heartbeat();
    await p.stop();
    // One warning for the whole outage (online, the bad event, task events, heartbeat, offline).
    expect(lines.map((line) => line.msg)).toEqual(['could not publish worker-online; events are dropped until it works again']);
  });

  it('refuses intervals that would make timers fire every millisecond', async () => {
    const { broker } = await channel();
    for (const heartbeatIntervalMs of [0, -5, Number.NaN, 2 ** 31]) {
      expect(() => publisher(broker, { heartbeatIntervalMs })).toThrow(ConfigurationError);
    }
    expect(() => publisher(broker, { bufferLimit: 1.5 })).toThrow(/bufferLimit must be a positive integer/);
  });

  it('stop() before start() sends nothing, and stop() is idempotent', async () => {
    const { broker, received } = await channel();
    const { publisher: p } = publisher(broker);
    await Promise.all([p.stop(), p.stop()]);
    await p.start();
    p.heartbeat();
    await sleep(20);
    expect(received).toEqual([]);
  });
});
