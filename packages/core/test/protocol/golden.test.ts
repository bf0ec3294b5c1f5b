import { inflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTaskMessage, encodeBody, type TaskMessageInput, toEnvelope } from '../../src/index.js';
import type { Embed } from '../../src/spec/task-message.js';
import * as captures from './fixtures/celery-captures.js';

/** The Python clock when the option-rich message was sent: its eta is now + 30 s. */
const CAPTURE_NOW = new Date('2026-11-21T10:45:16.457Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ORIGIN = /^gen\d+@.+$/;
const AWARE_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

type Envelope = {
  body: string;
  headers: Record<string, unknown>;
  properties: Record<string, unknown>;
  [key: string]: unknown;
};

const decodeBase64Json = (base64: string) => JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));

/** Encodes `input` as tq does and parses the envelope back into plain JSON. */
function encode(input: TaskMessageInput, routing = { queue: 'celery' }): { raw: string; envelope: Envelope } {
  const raw = toEnvelope(createTaskMessage(input), routing);
  return { raw, envelope: JSON.parse(raw) };
}

/**
 * Asserts tq's envelope equals Celery's field by field (and key by key, in order), except: `lang`
 * ('js'), `origin`, `delivery_tag`, `eta`/`expires` (checked well-formed and to the millisecond),
 * and the 5.3+ headers a 5.2.6 capture lacks (checked to be Python's defaults, just before custom headers).
 */
function expectSameAsCapture(ours: Envelope, captured: Envelope): void {
  expect(Object.keys(ours)).toEqual(Object.keys(captured));
  if (captured.headers.compression) {
    // Node's bundled zlib compresses differently from Python's; the stream decompresses the same.
    expect(inflateSync(Buffer.from(ours.body, 'base64'))).toEqual(inflateSync(Buffer.from(captured.body, 'base64')));
  } else {
    expect(ours.body).toBe(captured.body);
  }
  expect(ours['content-type']).toBe(captured['content-type']);
  expect(ours['content-encoding']).toBe(captured['content-encoding']);

  const { lang, origin, replaced_task_nesting, stamped_headers, stamps, ...headers } = ours.headers;
  expect(lang).toBe('js');
  expect(origin).toMatch(ORIGIN);
  expect({ replaced_task_nesting, stamped_headers, stamps }).toEqual({ replaced_task_nesting: 0, stamped_headers: null, stamps: {} });
  const { lang: _lang, origin: _origin, ...expectedHeaders } = captured.headers;
  for (const key of ['eta', 'expires'] as const) {
    if (captured.headers[key] === null) continue;
    expect(headers[key]).toMatch(AWARE_ISO);
    expect(Math.abs(Date.parse(headers[key] as string) - Date.parse(captured.headers[key] as string))).toBeLessThan(1);
    headers[key] = expectedHeaders[key];
  }
  expect(headers).toEqual(expectedHeaders);
  expect(Object.keys(headers)).toEqual(Object.keys(expectedHeaders));
  const ourKeys = Object.keys(ours.headers);
  expect(ourKeys.indexOf('stamps')).toBe(ourKeys.indexOf('ignore_result') + 3);

  const { delivery_tag, ...properties } = ours.properties;
  expect(delivery_tag).toMatch(UUID);
  // 5.2.6 leaked these into retry properties; 5.3.5+ (and tq) send them as headers only.
  const { delivery_tag: _tag, replaced_task_nesting: _nesting, origin: _leaked, ...expectedProperties } = captured.properties;
  expect(properties).toEqual(expectedProperties);
  expect(Object.keys(properties)).toEqual(Object.keys(expectedProperties));
}

describe('golden: tq encodes what Celery 5.2.6 sent', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(CAPTURE_NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('add.delay(2, 3)', () => {
    const captured: Envelope = JSON.parse(captures.plainAdd);
    const { envelope } = encode({
      task: 'tasks.add',
      id: '9bc1111a-29dd-43c4-a209-c29cb8f4e222',
      args: [2, 3],
      replyTo: '0d3089b6-28ea-3da0-8e4e-fc778271edb0',
    });
    expectSameAsCapture(envelope, captured);
  });

  it('apply_async with countdown, expires, priority, time limits, link, link_error, shadow, custom header', () => {
    const captured: Envelope = JSON.parse(captures.optionRich);
    const [, , embed] = decodeBase64Json(captured.body) as [unknown, unknown, Embed];
    const { envelope } = encode({
      task: 'tasks.add',
      id: '688e77ea-c8cc-470e-891f-1fe395744d39',
      args: [2],
      kwargs: { y: 5 },
      eta: new Date(CAPTURE_NOW.getTime() + 30_000),
      expires: new Date(CAPTURE_NOW.getTime() + 600_000),
      priority: 7,
      timeLimitMs: { hard: 60_000, soft: 50_000 },
      embed: { callbacks: embed.callbacks, errbacks: embed.errbacks },
      shadow: 'add-shadow',
      headers: { 'x-custom': 'hello' },
      replyTo: '8f991f9a-2190-3c69-bb8b-82cf4f73853b',
    });
    expect(envelope.headers.timelimit).toEqual([60, 50]);
    expect(envelope.properties.expiration).toBe('600000');
    expectSameAsCapture(envelope, captured);
  });

  it('a past expiry is sent as expiration "0"', () => {
    const { envelope } = encode({ task: 't', id: 'i', expires: new Date(CAPTURE_NOW.getTime() - 5000) });
    expect(envelope.properties.expiration).toBe('0');
    expect(envelope.headers.expires).toBe('2026-11-21T10:45:11.457000+00:00');
  });

  it('chain: the first message carries the rest reversed, .si immutable', () => {
    const capturedHeaders = JSON.parse(captures.chainFirstHeaders);
    const [, , embed] = JSON.parse(captures.chainFirstBody) as [unknown, unknown, Embed];
    const message = createTaskMessage({
      task: 'tasks.add',
      id: 'fa04dc0d-c607-4bcb-9095-4262cb1d8ba4',
      args: [2, 2],
      embed: { chain: embed.chain },
    });
    const { lang: _l, origin: _o, replaced_task_nesting: _r, stamped_headers: _s, stamps: _t, ...headers } = message.headers;
    const { lang: _pl, origin: _po, ...expected } = capturedHeaders;
    expect(headers).toEqual(expected);
    expect(Buffer.from(encodeBody(message.body)).toString('utf8')).toBe(captures.chainFirstBody);
  });

  it('chain steps as a worker publishes them (chain [] on the last step)', () => {
    const [, , step2Embed] = JSON.parse(captures.chainStep2Body) as [unknown, unknown, Embed];
    const step2 = createTaskMessage({
      task: 'tasks.add',
      id: 'c5a5e247-83a1-47d4-98c6-4da5a14edd57',
      args: [4, 4],
      embed: step2Embed,
      rootId: 'a7af67fe-6762-47b0-9eb7-410f238fecd7',
      parentId: 'a7af67fe-6762-47b0-9eb7-410f238fecd7',
    });
    expect(Buffer.from(encodeBody(step2.body)).toString()).toBe(captures.chainStep2Body);
    expect(step2.headers).toMatchObject({
      root_id: 'a7af67fe-6762-47b0-9eb7-410f238fecd7',
      parent_id: 'a7af67fe-6762-47b0-9eb7-410f238fecd7',
      argsrepr: '(4, 4)',
    });
    const step3 = createTaskMessage({ task: 'tasks.mul', id: '4105d143-1f72-4c48-a0ff-bba1fe0e5e70', args: [8, 10], embed: { chain: [] } });
    expect(Buffer.from(encodeBody(step3.body)).toString()).toBe(captures.chainStep3Body);
    expect(step3.headers.argsrepr).toBe('(8, 10)');
  });

  it('group member', () => {
    const captured: Envelope = JSON.parse(captures.groupMember);
    const { envelope } = encode({
      task: 'tasks.add',
      id: 'ee59b487-6f69-4032-9270-3fe57655cd2c',
      args: [2, 2],
      group: '603f83a3-bf6c-4e55-b04a-de0de2c94468',
      replyTo: '0a9a15e1-83fb-3eb7-a20d-cb772847f2bd',
    });
    expectSameAsCapture(envelope, captured);
  });

  it('chord header member', () => {
    const captured: Envelope = JSON.parse(captures.chordHeaderMember);
    const [, , embed] = decodeBase64Json(captured.body) as [unknown, unknown, Embed];
    const { envelope } = encode({
      task: 'tasks.add',
      id: '24060732-add1-4881-887d-58e6d5be5cd3',
      args: [2, 2],
      group: '1829e768-6c7e-4367-9b18-3464951e00ec',
      groupIndex: 2,
      embed: { chord: embed.chord },
      replyTo: '771a54e4-2d09-362e-8ee0-4e864ec013f0',
    });
    expectSameAsCapture(envelope, captured);
  });

  it('chord body published by the worker', () => {
    const captured: Envelope = JSON.parse(captures.chordBody);
    const { envelope } = encode({
      task: 'tasks.tsum',
      id: '0389ea1a-52b2-438f-84fc-24073fb62c35',
      args: [[2, 2]],
      rootId: 'b4327401-85ff-4864-8afd-a35cc874bf55',
      parentId: 'b4327401-85ff-4864-8afd-a35cc874bf55',
      replyTo: '1faa13e9-4584-3100-8c05-dcc3e025a937',
    });
    expect(envelope.headers.argsrepr).toBe('([2, 2],)');
    expectSameAsCapture(envelope, captured);
  });

  it('link callback published by the worker', () => {
    const message = createTaskMessage({
      task: 'tasks.mul',
      id: '69d77a5d-c6d1-47c1-98e2-601c3937caca',
      args: [2, 5],
      rootId: '8b8de1fd-d453-496a-844d-15b380f50edb',
      parentId: '8b8de1fd-d453-496a-844d-15b380f50edb',
    });
    expect(Buffer.from(encodeBody(message.body)).toString()).toBe(captures.linkCallbackBody);
    expect(message.headers.argsrepr).toBe('(2, 5)');
  });

  it('retry: same id, retries + 1, eta, parent = itself', () => {
    const captured: Envelope = JSON.parse(captures.retry);
    const id = '6c02c035-ca2e-4630-83a1-b0cf13fb21a7';
    const { envelope } = encode({
      task: 'tasks.flaky',
      id,
      args: [7],
      retries: 1,
      eta: new Date(Date.parse(captured.headers.eta as string)),
      rootId: id,
      parentId: id,
      replyTo: '1faa13e9-4584-3100-8c05-dcc3e025a937',
    });
    expect(envelope.headers.argsrepr).toBe('(7,)');
    expectSameAsCapture(envelope, captured);
  });

  it('zlib compression', () => {
    const captured: Envelope = JSON.parse(captures.compressed);
    const { envelope } = encode({
      task: 'tasks.add',
      id: 'f2542b5a-27bb-4d62-86a9-e1d77865c1bc',
      args: [2, 3],
      headers: { compression: 'application/x-gzip' },
      replyTo: '6ca54d64-dd2c-322e-8709-85509b772075',
    });
    expectSameAsCapture(envelope, captured);
  });

  it('routes through a named exchange and keeps the given delivery tag', () => {
    const message = createTaskMessage({ task: 't', id: 'i' });
    const envelope = JSON.parse(toEnvelope(message, { queue: 'q', exchange: 'celery', routingKey: 'rk', deliveryTag: 'tag' }));
    expect(envelope.properties).toEqual({
      correlation_id: 'i',
      reply_to: '',
      delivery_mode: 2,
      delivery_info: { exchange: 'celery', routing_key: 'rk' },
      priority: 0,
      body_encoding: 'base64',
      delivery_tag: 'tag',
    });
  });
});
