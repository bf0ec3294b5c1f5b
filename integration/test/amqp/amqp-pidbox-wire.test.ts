import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AmqpBroker } from '@tq/amqp';
import type { PlaneMessage } from '@tq/core';
import { type Channel, type ChannelModel, connect, type GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amqpUrl, testBroker } from './amqp-support.js';

// Celery's layout of the control and event planes, as a raw amqplib client declares it with
// py-amqp's flags (spec §3.1): a redeclaration that differs from tq's would fail with 406.
const PIDBOX = 'celery.pidbox';
const REPLY = 'reply.celery.pidbox';
const EVENTS = 'celeryev';

let broker: AmqpBroker;
let raw: ChannelModel;
let channel: Channel;

beforeAll(async () => {
  broker = testBroker();
  await broker.connect();
  raw = await connect(amqpUrl());
  channel = await raw.createChannel();
  await channel.assertExchange(PIDBOX, 'fanout', { durable: false, autoDelete: false });
  await channel.assertExchange(REPLY, 'direct', { durable: false, autoDelete: false });
  await channel.assertExchange(EVENTS, 'topic', { durable: true, autoDelete: false });
});

afterAll(async () => {
  await raw?.close();
  await broker?.close();
});

async function waitFor<T>(read: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A message from `queue`, polled with basic.get. */
async function getOne(queue: string): Promise<GetMessage> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (message) return message;
    if (performance.now() > deadline) throw new Error(`nothing arrived on ${queue}`);
    await sleep(10);
  }
}

/** Passive declare on a channel of its own (a 404 closes it). */
async function queueExists(queue: string): Promise<boolean> {
  const check = await raw.createChannel();
  check.on('error', () => {});
  try {
    await check.checkQueue(queue);
    await check.close();
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return false;
    throw error;
  }
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const text = (message: PlaneMessage) => Buffer.from(message.body).toString('utf8');

describe('amqp pidbox and celeryev on the wire (kombu layout)', () => {
  it("a request published the way Python's app.control does reaches listen; the node queue has Celery's flags", async () => {
    const node = `wire-${randomUUID()}@test`;
    const requests: PlaneMessage[] = [];
    const stop = await broker.control.listen(node, (request) => requests.push(request));
    const body = {
      method: 'ping',
      arguments: {},
      destination: null,
      pattern: null,
      matcher: null,
      ticket: randomUUID(),
      reply_to: { exchange: REPLY, routing_key: randomUUID() },
    };
    const expires = Date.now() / 1000 + 1.5;
    channel.publish(PIDBOX, '', json(body), {
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      headers: { clock: { '!': 'int', value: 7 }, expires },
      deliveryMode: 2,
    });
    // celery.pidbox is shared: other files' broadcasts reach this node too.
    const request = await waitFor(() => requests.find((r) => JSON.parse(text(r)).ticket === body.ticket), 'the request');
    expect(JSON.parse(text(request))).toEqual(body);
    expect(request.headers).toEqual({ clock: 7, expires });

    // What a Python worker named `node` would declare (kombu Node: expires 10 s, message_ttl 300 s).
    const queue = `${node}.${PIDBOX}`;
    await channel.assertQueue(queue, { durable: false, autoDelete: true, arguments: { 'x-message-ttl': 300_000, 'x-expires': 10_000 } });
    await stop();
    // Auto-delete: RabbitMQ drops it as the consumer's channel closes.
    await waitFor(async () => ((await queueExists(queue)) ? undefined : true), 'the node queue to go');
  });

  it("a request from broadcast arrives in kombu's shape: fanout, rk '', persistent, headers clock (int) and expires (float)", async () => {
    const queue = `wire-${randomUUID()}@test.${PIDBOX}`;
    await channel.assertQueue(queue, { durable: false, autoDelete: true, arguments: { 'x-message-ttl': 300_000, 'x-expires': 10_000 } });
    await channel.bindQueue(queue, PIDBOX, '');
    const body = { method: 'revoke', arguments: { task_id: randomUUID(), terminate: false, signal: 'SIGTERM' } };
    const expires = 1795258102.587778;
    await broker.control.broadcast({ body: json(body), headers: { clock: 3, expires } });
    const message = await getOne(queue);
    await channel.deleteQueue(queue);
    expect(message.fields).toMatchObject({ exchange: PIDBOX, routingKey: '' });
    expect(message.properties).toMatchObject({
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      deliveryMode: 2,
      headers: { clock: 3, expires },
    });
    expect(JSON.parse(message.content.toString('utf8'))).toEqual(body);
  });

  it('reply lands in a mailbox bound the way kombu binds it, with headers ticket and clock; a reply to no mailbox is dropped', async () => {
    // No mailbox: unroutable, dropped quietly, and the reply channel stays usable.
    await broker.control.reply(randomUUID(), { body: json({ 'late@test': { ok: 'pong' } }), headers: { ticket: 't', clock: 1 } });

    const oid = randomUUID();
    const queue = `${oid}.${REPLY}`;
    await channel.assertQueue(queue, { durable: false, autoDelete: true, arguments: { 'x-expires': 10_000, 'x-message-ttl': 300_000 } });
    await channel.bindQueue(queue, REPLY, oid);
    const ticket = randomUUID();
    await broker.control.reply(oid, { body: json({ 'tq@test': { ok: 'pong' } }), headers: { ticket, clock: 4 } });
    const message = await getOne(queue);
    await channel.deleteQueue(queue);
    expect(message.fields).toMatchObject({ exchange: REPLY, routingKey: oid });
    expect(message.properties).toMatchObject({
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      deliveryMode: 1,
      headers: { ticket, clock: 4 },
    });
    expect(JSON.parse(message.content.toString('utf8'))).toEqual({ 'tq@test': { ok: 'pong' } });
  });

  it('a mailbox receives what a Python worker replies, has x-expires = ttl, and is gone once closed', async () => {
    const id = randomUUID();
    const queue = `${id}.${REPLY}`;
    const replies: PlaneMessage[] = [];
    const close = await broker.control.openMailbox(id, 2_500, (reply) => replies.push(reply));
    // Same flags and arguments, or RabbitMQ would refuse this redeclaration (406).
    await channel.assertQueue(queue, { durable: false, autoDelete: true, arguments: { 'x-expires': 2_500, 'x-message-ttl': 2_500 } });
    const ticket = randomUUID();
    channel.publish(REPLY, id, json({ 'py@test': { ok: 'pong' } }), {
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      headers: { ticket, clock: { '!': 'int', value: 12 } },
      deliveryMode: 1,
    });
    const reply = await waitFor(() => replies[0], 'the reply');
    expect(JSON.parse(text(reply))).toEqual({ 'py@test': { ok: 'pong' } });
    expect(reply.headers).toEqual({ ticket, clock: 12 });
    await close();
    expect(await queueExists(queue)).toBe(false);
  });

  it('events land on celeryev under their routing key, transient, with the hostname header', async () => {
    const queue = `${EVENTS}.${randomUUID()}`;
    await channel.assertQueue(queue, { durable: false, autoDelete: true, arguments: { 'x-message-ttl': 5_000, 'x-expires': 60_000 } });
    await channel.bindQueue(queue, EVENTS, '#');
    const hostname = `wire-${randomUUID()}@test`;
    const event = {
      hostname,
      utcoffset: 0,
      pid: 1,
      clock: 19,
      freq: 2.0,
      active: 0,
      processed: 4,
      timestamp: 1.5,
      type: 'worker-heartbeat',
    };
    await broker.events.publish('worker.heartbeat', { body: json(event), headers: { hostname } });
    const message = await getOne(queue);
    await channel.deleteQueue(queue);
    expect(message.fields).toMatchObject({ exchange: EVENTS, routingKey: 'worker.heartbeat' });
    expect(message.properties).toMatchObject({
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      deliveryMode: 1,
      headers: { hostname },
    });
    expect(JSON.parse(message.content.toString('utf8'))).toEqual(event);
  });

  it('a subscriber gets the Python-shaped events its pattern matches, with the routing key', async () => {
    const tasks: [string, PlaneMessage][] = [];
    const all: [string, PlaneMessage][] = [];
    const stopTasks = await broker.events.subscribe('task.#', (key, event) => tasks.push([key, event]));
    const stopAll = await broker.events.subscribe('#', (key, event) => all.push([key, event]));
    const hostname = `wire-${randomUUID()}@test`;
    const send = (key: string, body: unknown) =>
      channel.publish(EVENTS, key, json(body), {
        contentType: 'application/json',
        contentEncoding: 'utf-8',
        headers: { hostname },
        deliveryMode: 1,
      });
    send('worker.online', { hostname, type: 'worker-online' });
    send('task.multi', [{ hostname, type: 'task-started', uuid: 'u' }]);
    const mine = () => all.filter(([, event]) => event.headers.hostname === hostname);
    await waitFor(() => (mine().length === 2 ? true : undefined), 'both events on #');
    // Routed in publish order: by the time '#' has both, 'task.#' was handed only the task event.
    await waitFor(() => tasks.find(([, event]) => event.headers.hostname === hostname), 'the task event');
    expect(mine().map(([key]) => key)).toEqual(['worker.online', 'task.multi']);
    expect(tasks.filter(([, event]) => event.headers.hostname === hostname).map(([key, event]) => [key, JSON.parse(text(event))])).toEqual([
      ['task.multi', [{ hostname, type: 'task-started', uuid: 'u' }]],
    ]);
    await Promise.all([stopTasks(), stopAll()]);
  });
});
