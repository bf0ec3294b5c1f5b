import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeControlRequest } from '../../src/control/control-request.js';
import { NO_REPLY, NodeMailbox } from '../../src/control/node-mailbox.js';
import { type App, createApp, LamportClock, MemoryBroker, MemoryResultBackend, type PlaneMessage } from '../../src/index.js';
import { MemoryBrokerState } from '../../src/memory/memory-broker-state.js';
import { MemoryControlChannel } from '../../src/memory/memory-control-channel.js';

const silent = pino({ level: 'silent' });
const utf8 = new TextDecoder();
const QUIET_MS = 200;

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

/** An app on its own named memory broker (so the test can look at what the broker holds). */
function appOn(name: string, broker = new MemoryBroker({ name })): App {
  const app = createApp({ broker, backend: new MemoryResultBackend({ name }), logger: silent });
  apps.push(app);
  return app;
}

const planesOf = (name: string) => MemoryBrokerState.shared(name).planes;

describe('app.control on memory://', () => {
  it('gathers every worker’s reply until the timeout, moves the app clock, and closes its mailbox', async () => {
    const name = randomUUID();
    const app = appOn(name);
    const workers = [app.worker({ hostname: 'a@%h' }), app.worker({ hostname: 'b@%h' })];
    for (const worker of workers) await worker.start();
    try {
      const before = app.clock.value;
      const replies = await app.control.ping({ timeoutMs: 300 });
      expect(replies.map((r) => r.node).sort()).toEqual([`a@${hostname()}`, `b@${hostname()}`]);
      for (const { reply } of replies) expect(reply).toEqual({ ok: 'pong' });
      expect(app.clock.value).toBeGreaterThan(before + 2);
      expect(planesOf(name).mailboxes.size).toBe(0);
      // A limit ends the wait at the first reply (this test would time out otherwise).
      expect(await app.control.ping({ timeoutMs: 60_000, limit: 1 })).toHaveLength(1);
      expect(planesOf(name).mailboxes.size).toBe(0);
    } finally {
      for (const worker of workers) await worker.close();
    }
  });

  it('closes its mailbox when sending the request fails', async () => {
    const name = randomUUID();
    class BroadcastsFail extends MemoryControlChannel {
      override async broadcast(): Promise<void> {
        throw new Error('connection lost');
      }
    }
    class Broker extends MemoryBroker {
      override readonly control = new BroadcastsFail(() => planesOf(name));
    }
    const app = appOn(name, new Broker({ name }));
    await expect(app.control.request('stats')).rejects.toThrow('connection lost');
    expect(planesOf(name).mailboxes.size).toBe(0);
  });

  it('app.revoke casts Celery’s revoke command (no reply wanted)', async () => {
    const name = randomUUID();
    const app = appOn(name);
    const broker = await app.broker();
    const heard: PlaneMessage[] = [];
    const stop = await broker.control?.listen('spy@test', (request) => heard.push(request));
    await app.revoke('task-1', { terminate: true });
    await sleep(10);
    await stop?.();
    expect(heard).toHaveLength(1);
    expect(JSON.parse(utf8.decode(heard[0]?.body))).toEqual({
      method: 'revoke',
      arguments: { task_id: 'task-1', terminate: true, signal: 'SIGTERM' },
      destination: null,
      pattern: null,
      matcher: null,
    });
    expect(heard[0]?.headers).toEqual({ clock: expect.any(Number), expires: expect.any(Number) });
  });

  it('a worker is named tq<pid>@<host> by default', () => {
    const app = appOn(randomUUID());
    expect(app.worker().hostname).toBe(`tq${process.pid}@${hostname()}`);
  });

  it('a mailbox nobody closes disappears after its time to live', async () => {
    const planes = planesOf(randomUUID());
    const got: PlaneMessage[] = [];
    planes.openMailbox('m', 30, (reply) => got.push(reply));
    await sleep(80);
    planes.reply('m', { body: new Uint8Array([1]), headers: {} });
    await sleep(10);
    expect(got).toEqual([]);
    expect(planes.mailboxes.size).toBe(0);
  });
});

describe('a node mailbox', () => {
  async function setUp(commands: ConstructorParameters<typeof NodeMailbox>[2]) {
    const broker = new MemoryBroker();
    await broker.connect();
    const node = new NodeMailbox(broker.control, 'n@test', commands, new LamportClock(), silent);
    await node.start();
    const replies: unknown[] = [];
    await broker.control.openMailbox('box', 10_000, (reply) => replies.push(JSON.parse(utf8.decode(reply.body))));
    const send = (method: string, expires = 0, body: Partial<Record<string, unknown>> = {}) =>
      broker.control.broadcast(
        encodeControlRequest(
          {
            method,
            arguments: {},
            destination: null,
            pattern: null,
            matcher: null,
            ticket: 't',
            reply_to: { exchange: 'x', routing_key: 'box' },
            ...body,
          },
          1,
          expires,
        ),
      );
    return { broker, node, replies, send };
  }

  it('answers errors for unknown and failing commands, ignores expired and malformed requests, and keeps going', async () => {
    const { broker, node, replies, send } = await setUp({
      ok: () => ({ ok: 'fine' }),
      boom: () => {
        throw new TypeError("can't do 'that'");
      },
      silent: () => NO_REPLY,
    });
    await broker.control.broadcast({ body: new TextEncoder().encode('garbage'), headers: {} });
    await send('ok', Date.now() / 1000 - 5);
    await send('silent');
    await send('nope');
    await send('boom');
    await send('ok', Date.now() / 1000 + 60);
    await sleep(QUIET_MS);
    expect(replies).toEqual([
      { 'n@test': { error: "unknown command 'nope'" } },
      { 'n@test': { error: "TypeError(\"can't do 'that'\")" } },
      { 'n@test': { ok: 'fine' } },
    ]);
    await node.stop();
    await broker.close();
  });

  it('runs what a command schedules after its reply only once the reply went out', async () => {
    const order: string[] = [];
    const { broker, node, replies, send } = await setUp({
      shutdown: (_args, call) => {
        call.afterReply(() => order.push(`after, ${replies.length} replies out`));
        return { ok: 'bye' };
      },
    });
    await send('shutdown');
    await sleep(QUIET_MS);
    expect(replies).toEqual([{ 'n@test': { ok: 'bye' } }]);
    // Memory hands the reply over before the send resolves: the action came after it.
    expect(order).toEqual(['after, 1 replies out']);
    await node.stop();
    await broker.close();
  });
});
