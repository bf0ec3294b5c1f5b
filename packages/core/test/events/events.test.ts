import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, type CeleryEvent, createApp, Events, LamportClock, MemoryBroker, UnsupportedCapabilityError } from '../../src/index.js';

let apps: App[] = [];
let senders: MemoryBroker[] = [];
afterEach(async () => {
  await Promise.all([...apps, ...senders].map((closable) => closable.close()));
  apps = [];
  senders = [];
});

/** An app on a fresh memory:// state, a second handle of it to publish raw bodies with, and its log lines. */
async function setup() {
  const name = `events-${randomUUID()}`;
  const lines: { level: number; msg: string; problem?: string }[] = [];
  const logger = pino({ level: 'warn' }, { write: (json: string) => lines.push(JSON.parse(json)) });
  const app = createApp({ broker: new MemoryBroker({ name }), logger });
  apps.push(app);
  const sender = new MemoryBroker({ name });
  senders.push(sender);
  await sender.connect();
  const publish = (routingKey: string, body: string) =>
    sender.events.publish(routingKey, { body: Buffer.from(body), headers: { hostname: 'w1@capture' } });
  return { app, lines, publish };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

// Bodies as a Python Celery 5.2.6 worker and client sent them (spec §8.3 captures).
const HEARTBEAT =
  '{"hostname": "w1@capture", "utcoffset": 0, "pid": 10199, "clock": 2, "freq": 2.0, "active": 0, "processed": 0, "loadavg": [1.48, 0.58, 0.22], "sw_ident": "py-celery", "sw_ver": "5.2.6", "sw_sys": "Linux", "timestamp": 1795257956.259153, "type": "worker-heartbeat"}';
const MULTI =
  '[{"hostname": "w1@capture", "utcoffset": 0, "pid": 10199, "clock": 8, "uuid": "ca905de3-e794-41e1-bacf-d803e3d0018e", "name": "tasks.add", "args": "(2, 3)", "kwargs": "{}", "root_id": "ca905de3-e794-41e1-bacf-d803e3d0018e", "parent_id": null, "retries": 0, "eta": null, "expires": null, "timestamp": 1795257960.764602, "type": "task-received"}, ' +
  '{"hostname": "w1@capture", "utcoffset": 0, "pid": 10199, "clock": 9, "uuid": "ca905de3-e794-41e1-bacf-d803e3d0018e", "timestamp": 1795257960.7647164, "type": "task-started"}, ' +
  '{"hostname": "w1@capture", "utcoffset": 0, "pid": 10199, "clock": 10, "uuid": "ca905de3-e794-41e1-bacf-d803e3d0018e", "result": "5", "runtime": 0.0014028909999979078, "timestamp": 1795257960.766595, "type": "task-succeeded"}]';
const SENT =
  '{"hostname": "gen12565@vm", "utcoffset": 0, "pid": 12565, "clock": 1000, "uuid": "8545da61-5120-43f1-880e-a6e476447fc6", "root_id": "8545da61-5120-43f1-880e-a6e476447fc6", "parent_id": null, "name": "tasks.add", "args": "(5, 5)", "kwargs": "{}", "retries": 0, "eta": null, "expires": null, "queue": "celery", "exchange": "", "routing_key": "celery", "timestamp": 1795258017.386386, "type": "task-sent"}';

describe('app.events', () => {
  it('hands over Celery events one by one, batches unpacked, and keeps the clock like Celery’s receiver', async () => {
    const { app, publish } = await setup();
    const events: CeleryEvent[] = [];
    await app.events.subscribe((event) => events.push(event));
    await publish('worker.heartbeat', HEARTBEAT);
    await publish('task.multi', MULTI);
    await until(() => events.length === 4, 'four events');
    expect(events.map((e) => [e.type, e.clock])).toEqual([
      ['worker-heartbeat', 2],
      ['task-received', 8],
      ['task-started', 9],
      ['task-succeeded', 10],
    ]);
    expect(events[1]).toMatchObject({
      uuid: 'ca905de3-e794-41e1-bacf-d803e3d0018e',
      name: 'tasks.add',
      args: '(2, 3)',
      timestamp: 1795257960.764602,
    });
    expect(events[0]?.local_received).toBeCloseTo(Date.now() / 1000, -2);
    // max(local, remote) + 1 for each.
    expect(app.clock.value).toBe(11);

    // A client's clock is never trusted: the receiver's (minus one) replaces it.
    await publish('task.sent', SENT);
    await until(() => events.length === 5, 'task-sent');
    expect(events[4]).toMatchObject({ type: 'task-sent', clock: 10 });
    expect(app.clock.value).toBe(12);
  });

  it('only events matching the pattern arrive, and none after unsubscribing', async () => {
    const { app, publish } = await setup();
    const workers: string[] = [];
    const all: string[] = [];
    const stopWorkers = await app.events.subscribe((event) => workers.push(event.type), { pattern: 'worker.#' });
    await app.events.subscribe((event) => all.push(event.type));
    await publish('task.multi', MULTI);
    await publish('worker.heartbeat', HEARTBEAT);
    await until(() => all.length === 4, 'all four');
    expect(workers).toEqual(['worker-heartbeat']);
    await stopWorkers();
    await publish('worker.heartbeat', HEARTBEAT);
    await until(() => all.length === 5, 'the second heartbeat');
    expect(workers).toEqual(['worker-heartbeat']);
  });

  it('skips (and logs) what is not an event, keeps what is, and survives a handler that throws', async () => {
    const { app, publish, lines } = await setup();
    const types: string[] = [];
    await app.events.subscribe((event) => {
      types.push(event.type);
      if (event.type === 'worker-heartbeat') throw new Error('handler bug');
    });
    await publish('worker.heartbeat', '{oops');
    await publish('task.multi', '[{"type": "task-started"}, 42]');
    await publish('worker.heartbeat', HEARTBEAT);
    await publish('task.multi', MULTI);
    await until(() => types.length === 4, 'the good events');
    expect(types).toEqual(['worker-heartbeat', 'task-received', 'task-started', 'task-succeeded']);
    expect(lines.map((l) => l.msg)).toEqual([
      'skipped an event message whose body is not UTF-8 JSON',
      'skipped a malformed event',
      'skipped a malformed event',
      'an event handler threw',
    ]);
    expect(lines[1]?.problem).toBe("event 0: has no string 'hostname'");
  });

  it('an app with taskSentEvents publishes task-sent on task.sent for every task it sends; by default none', async () => {
    const name = `events-${randomUUID()}`;
    const sending = createApp({ broker: new MemoryBroker({ name }), taskSentEvents: true });
    const quiet = createApp({ broker: new MemoryBroker({ name }) });
    const monitor = createApp({ broker: new MemoryBroker({ name }) });
    apps.push(sending, quiet, monitor);
    const seen: { routingKey: string; event: CeleryEvent }[] = [];
    await (await monitor.broker()).events?.subscribe('#', (routingKey, message) => {
      seen.push({ routingKey, event: JSON.parse(Buffer.from(message.body).toString('utf8')) });
    });
    const add = sending.task('tasks.add', { queue: name }, async (x: number, y: number) => x + y);
    const quietAdd = quiet.task('tasks.add', { queue: name }, async (x: number, y: number) => x + y);
    await quietAdd.delay(1, 1);
    const sent = await add.applyAsync([5, 5], { expires: 60_000 });
    await until(() => seen.length === 1, 'task-sent');
    await sending.close();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.routingKey).toBe('task.sent');
    expect(seen[0]?.event).toMatchObject({
      type: 'task-sent',
      hostname: expect.stringMatching(/^gen\d+@/),
      uuid: sent.id,
      name: 'tasks.add',
      args: '(5, 5)',
      kwargs: '{}',
      root_id: sent.id,
      parent_id: null,
      retries: 0,
      eta: null,
      expires: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\+00:00$/),
      queue: name,
      exchange: '',
      routing_key: name,
      clock: 1,
    });
  });

  it('a broker without an event channel is refused with the capability named', async () => {
    const events = new Events({ broker: async () => ({}), clock: new LamportClock(), logger: pino({ level: 'silent' }) });
    await expect(events.subscribe(() => undefined)).rejects.toThrow(UnsupportedCapabilityError);
  });
});
