import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AmqpBroker } from '@tq/amqp';
import type { PlaneMessage } from '@tq/core';
import { connect } from 'amqplib';
import { expect, it } from 'vitest';
import { tcpProxy } from '../../harness/tcp-proxy.js';
import { amqpUrl, quietLogger } from './amqp-support.js';

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

it('listen, mailboxes and event subscriptions come back after the network to RabbitMQ was cut, and publishing resumes', async () => {
  const target = new URL(amqpUrl());
  const proxy = await tcpProxy(`${target.hostname}:${target.port}`);
  const proxied = new URL(target.href);
  proxied.hostname = proxy.host;
  proxied.port = String(proxy.port);
  const broker = new AmqpBroker({ url: proxied.href, logger: quietLogger });
  const raw = await connect(amqpUrl());
  try {
    await broker.connect();
    const node = `reconnect-${randomUUID()}@test`;
    const mailbox = randomUUID();
    const requests: PlaneMessage[] = [];
    const replies: PlaneMessage[] = [];
    const events: string[] = [];
    const hostname = `reconnect-${randomUUID()}@test`;
    await broker.control.listen(node, (request) => requests.push(request));
    await broker.control.openMailbox(mailbox, 30_000, (reply) => replies.push(reply));
    await broker.events.subscribe('worker.#', (key, event) => {
      if (event.headers.hostname === hostname) events.push(key);
    });

    proxy.cut();
    await sleep(200);
    proxy.restore();

    // From another connection, as Python would, until each consumer is back (their queues were gone with the connection).
    const channel = await raw.createChannel();
    const json = { contentType: 'application/json', contentEncoding: 'utf-8' };
    const tag = randomUUID();
    await waitFor(() => {
      if (requests.length === 0) channel.publish('celery.pidbox', '', Buffer.from(`{"method": "ping", "tag": "${tag}"}`), json);
      if (replies.length === 0) channel.publish('reply.celery.pidbox', mailbox, Buffer.from('{"py@test": {"ok": "pong"}}'), json);
      if (events.length === 0) channel.publish('celeryev', 'worker.heartbeat', Buffer.from('{}'), { ...json, headers: { hostname } });
      return requests.length > 0 && replies.length > 0 && events.length > 0;
    }, 'every consumer to be back');
    expect(JSON.parse(Buffer.from(requests[0]?.body ?? []).toString())).toEqual({ method: 'ping', tag });

    // And this broker's own publishes go through its new connection.
    await broker.control.broadcast({ body: Buffer.from('{"method": "after"}'), headers: { clock: 1, expires: 0 } });
    await broker.control.reply(mailbox, { body: Buffer.from('{"tq@test": {"ok": "pong"}}'), headers: { ticket: 't', clock: 2 } });
    await broker.events.publish('worker.online', { body: Buffer.from('{}'), headers: { hostname } });
    await waitFor(() => requests.some((request) => Buffer.from(request.body).toString() === '{"method": "after"}'), 'the broadcast');
    await waitFor(() => replies.some((reply) => reply.headers.clock === 2), 'the reply');
    await waitFor(() => events.includes('worker.online'), 'the event');
  } finally {
    await broker.close();
    await raw.close();
    await proxy.close();
  }
}, 60_000);
