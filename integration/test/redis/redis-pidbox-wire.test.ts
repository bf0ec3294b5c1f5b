import { randomUUID } from 'node:crypto';
import type { PlaneMessage } from '@tq/core';
import { parseRedisUrl, type RedisBroker } from '@tq/redis';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerAvailable, brokerUrl } from '../../harness/index.js';
import { brokerOn } from './redis-test-env.js';

const SEP = '\x06\x16';
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
/** The envelope with its delivery tag (a fresh uuid4 per message) replaced by the capture's. */
const withTag = (envelope: string, tag: string) => envelope.replace(/"delivery_tag": "[0-9a-f-]{36}"/, `"delivery_tag": "${tag}"`);

/** Spec §9.3: a Python worker's reply to `celery inspect ping`, as kombu LPUSHes it. */
const captured = {
  oid: '13425748-3210-32d9-b88e-d62f3fc5fd74',
  ticket: 'f91b4fc4-eb2b-4aac-ae7b-afa39531dac5',
  body: '{"w1@capture": {"ok": "pong"}}',
  entry:
    '{"body": "eyJ3MUBjYXB0dXJlIjogeyJvayI6ICJwb25nIn19", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"ticket": "f91b4fc4-eb2b-4aac-ae7b-afa39531dac5", "clock": 4}, "properties": {"delivery_mode": 1, "delivery_info": {"exchange": "reply.celery.pidbox", "routing_key": "13425748-3210-32d9-b88e-d62f3fc5fd74"}, "priority": 0, "body_encoding": "base64", "delivery_tag": "f6557713-04b7-417c-b197-f6b36587c5f6"}}',
  tag: 'f6557713-04b7-417c-b197-f6b36587c5f6',
};

/** Spec §9.3: the `celery inspect ping` request, as kombu PUBLISHes it on `/0.celery.pidbox`. */
const pingRequest = (expires: number) => ({
  body: '{"method": "ping", "arguments": {}, "destination": null, "pattern": null, "matcher": null, "ticket": "f91b4fc4-eb2b-4aac-ae7b-afa39531dac5", "reply_to": {"exchange": "reply.celery.pidbox", "routing_key": "13425748-3210-32d9-b88e-d62f3fc5fd74"}}',
  envelope: (body: string) =>
    `{"body": "${Buffer.from(body).toString('base64')}", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"clock": 1, "expires": ${expires}}, "properties": {"delivery_mode": 2, "delivery_info": {"exchange": "celery.pidbox", "routing_key": ""}, "priority": 0, "body_encoding": "base64", "delivery_tag": "adc71c98-9ba2-4c2c-93e0-7caf75e0595b"}}`,
});

/** Spec §8.1: `worker-online` as a Python worker PUBLISHes it on `/0.celeryev/worker.online`. */
const onlineBody =
  '{"hostname": "w1@capture", "utcoffset": 0, "pid": 10199, "clock": 1, "freq": 2.0, "active": 0, "processed": 0, "loadavg": [1.48, 0.58, 0.22], "sw_ident": "py-celery", "sw_ver": "5.2.6", "sw_sys": "Linux", "timestamp": 1795257954.2570667, "type": "worker-online"}';
const onlineEnvelope = (tag: string) =>
  `{"body": "${Buffer.from(onlineBody).toString('base64')}", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"hostname": "w1@capture"}, "properties": {"delivery_mode": 1, "delivery_info": {"exchange": "celeryev", "routing_key": "worker.online"}, "priority": 0, "body_encoding": "base64", "delivery_tag": "${tag}"}}`;

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.skipIf(!brokerAvailable('redis'))('redis: pidbox and events on the wire, as kombu lays them out', () => {
  // A prefix per test: the captured mailbox id is used verbatim, and nothing else shares the keys.
  let prefix = '';
  let broker: RedisBroker;
  let redis: Redis;
  const setUp = async () => {
    prefix = `pidbox-${randomUUID().slice(0, 8)}:`;
    broker = brokerOn('redis', { keyPrefix: prefix });
    redis = new Redis(brokerUrl('redis'));
    await broker.connect();
    return parseRedisUrl(brokerUrl('redis')).db;
  };
  afterEach(async () => {
    await broker.close();
    const keys = await redis.keys(`${prefix}*`);
    redis.disconnect();
    // Every test leaves nothing (they close what they open): keys left are a leak.
    expect(keys).toEqual([]);
  });

  it('a request Python publishes on /<db>.celery.pidbox reaches listen, body and headers intact', async () => {
    const db = await setUp();
    const got: PlaneMessage[] = [];
    const stop = await broker.control.listen('tq@wire', (request) => got.push(request));
    const expires = 1795258018.8935468;
    const request = pingRequest(expires);
    await redis.publish(`${prefix}/${db}.celery.pidbox`, request.envelope(request.body));
    const [received] = await until(() => (got.length > 0 ? got : undefined), 'the request');
    expect(Buffer.from(received?.body ?? []).toString('utf8')).toBe(request.body);
    expect(received?.headers).toEqual({ clock: 1, expires });
    await stop();
  });

  it("tq's broadcast is the envelope kombu publishes: delivery_mode 2, exchange celery.pidbox", async () => {
    const db = await setUp();
    const sub = redis.duplicate();
    const seen: string[] = [];
    sub.on('message', (_channel: string, message: string) => seen.push(message));
    await sub.subscribe(`${prefix}/${db}.celery.pidbox`);
    try {
      const request = pingRequest(1795258018.8935468);
      await broker.control.broadcast({ body: utf8(request.body), headers: { clock: 1, expires: 1795258018.8935468 } });
      const [message] = await until(() => (seen.length > 0 ? seen : undefined), 'the published request');
      expect(withTag(message ?? '', 'adc71c98-9ba2-4c2c-93e0-7caf75e0595b')).toBe(request.envelope(request.body));
    } finally {
      sub.disconnect();
    }
  });

  it("a reply to a Python caller's mailbox is exactly the list entry kombu writes, and expires", async () => {
    await setUp();
    // What a Python caller does before it publishes (spec §9.1).
    const binding = `${prefix}_kombu.binding.reply.celery.pidbox`;
    const list = `${prefix}${captured.oid}.reply.celery.pidbox`;
    await redis.sadd(binding, `${captured.oid}${SEP}${SEP}${captured.oid}.reply.celery.pidbox`);
    // A tq mailbox gave the shared set a short ttl: the reply keeps the Python caller's binding as long as its list.
    await redis.pexpire(binding, 1000);
    await broker.control.reply(captured.oid, { body: utf8(captured.body), headers: { ticket: captured.ticket, clock: 4 } });
    const entries = await redis.lrange(list, 0, -1);
    expect(entries.map((entry) => withTag(entry, captured.tag))).toEqual([captured.entry]);
    // A Python caller's list has no TTL of its own: tq bounds what a killed caller would leave.
    const ttl = await redis.pttl(list);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await redis.pttl(binding)).toBeGreaterThan(1000);
    await redis.del(binding, list);
  });

  it('a reply to a mailbox nobody bound (caller gone) stores nothing', async () => {
    await setUp();
    await broker.control.reply(captured.oid, { body: utf8(captured.body), headers: { ticket: captured.ticket, clock: 4 } });
    expect(await redis.exists(`${prefix}${captured.oid}.reply.celery.pidbox`)).toBe(0);
  });

  it("a tq mailbox is kombu's: bound as Python binds, read from its list (Python's reply), all gone on close", async () => {
    await setUp();
    const got: PlaneMessage[] = [];
    const close = await broker.control.openMailbox(captured.oid, 30_000, (reply) => got.push(reply));
    const binding = `${prefix}_kombu.binding.reply.celery.pidbox`;
    expect(await redis.smembers(binding)).toEqual([`${captured.oid}${SEP}${SEP}${captured.oid}.reply.celery.pidbox`]);
    // Python's worker: look up the binding, LPUSH the captured entry onto the queue it names.
    await redis.lpush(`${prefix}${captured.oid}.reply.celery.pidbox`, captured.entry);
    const [reply] = await until(() => (got.length > 0 ? got : undefined), 'the reply');
    expect(Buffer.from(reply?.body ?? []).toString('utf8')).toBe(captured.body);
    expect(reply?.headers).toEqual({ ticket: captured.ticket, clock: 4 });
    // Every key of the mailbox expires by itself: a caller that dies now leaves nothing for long.
    for (const key of await redis.keys(`${prefix}*`)) {
      const ttl = await redis.pttl(key);
      expect({ key, expires: ttl > 0 && ttl <= 30_000 }).toEqual({ key, expires: true });
    }
    await close();
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });

  it('events go out on /<db>.celeryev/<routing key> in the captured shape', async () => {
    const db = await setUp();
    const sub = redis.duplicate();
    const seen: { channel: string; message: string }[] = [];
    sub.on('pmessage', (_pattern: string, channel: string, message: string) => seen.push({ channel, message }));
    await sub.psubscribe(`${prefix}/${db}.celeryev/*`);
    try {
      await broker.events.publish('worker.online', { body: utf8(onlineBody), headers: { hostname: 'w1@capture' } });
      const [event] = await until(() => (seen.length > 0 ? seen : undefined), 'the event');
      expect(event?.channel).toBe(`${prefix}/${db}.celeryev/worker.online`);
      expect(withTag(event?.message ?? '', 'c914cec1-263b-4383-99ec-eabb8720f0ff')).toBe(
        onlineEnvelope('c914cec1-263b-4383-99ec-eabb8720f0ff'),
      );
    } finally {
      sub.disconnect();
    }
  });

  it("Python's events reach subscribe, filtered by AMQP topic rules (worker.# takes worker, not workers.x)", async () => {
    const db = await setUp();
    const got: string[] = [];
    const stop = await broker.events.subscribe('worker.#', (routingKey, event) => {
      got.push(`${routingKey} ${JSON.parse(Buffer.from(event.body).toString('utf8')).type} ${event.headers.hostname}`);
    });
    for (const routingKey of ['workers.online', 'task.multi', 'worker', 'worker.online']) {
      await redis.publish(`${prefix}/${db}.celeryev/${routingKey}`, onlineEnvelope(randomUUID()));
    }
    await until(() => (got.length >= 2 ? got : undefined), 'the events');
    // Sent last: had the filtered ones come through, they would be here by now.
    expect(got).toEqual(['worker worker-online w1@capture', 'worker.online worker-online w1@capture']);
    await stop();
  });
});
