import { describe, expect, it } from 'vitest';
import { parsePlaneEnvelope } from '../src/parse-plane-envelope.js';
import { planeEnvelope } from '../src/plane-envelope.js';

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('plane envelopes', () => {
  it("are kombu's JSON envelope: Python's separators, base64 body, the route in delivery_info", () => {
    const body = '{"method": "ping", "arguments": {}}';
    const envelope = planeEnvelope(
      { body: utf8(body), headers: { clock: 3, expires: 1795258018.5 } },
      { exchange: 'celery.pidbox', routingKey: '', deliveryMode: 2 },
    );
    expect(envelope.replace(/"delivery_tag": "[0-9a-f-]{36}"/, '"delivery_tag": "T"')).toBe(
      `{"body": "${Buffer.from(body).toString('base64')}", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"clock": 3, "expires": 1795258018.5}, "properties": {"delivery_mode": 2, "delivery_info": {"exchange": "celery.pidbox", "routing_key": ""}, "priority": 0, "body_encoding": "base64", "delivery_tag": "T"}}`,
    );
  });

  it('read back as they were written, a body sliced from a larger buffer included', () => {
    const backing = Buffer.from('xx{"w1@capture": {"ok": "pong"}}yy');
    const body = new Uint8Array(backing.buffer, backing.byteOffset + 2, backing.length - 4);
    const raw = planeEnvelope(
      { body, headers: { ticket: 't', clock: 4 } },
      { exchange: 'reply.celery.pidbox', routingKey: 'id', deliveryMode: 1 },
    );
    const parsed = parsePlaneEnvelope(Buffer.from(raw));
    expect(Buffer.from(parsed?.body ?? []).toString()).toBe('{"w1@capture": {"ok": "pong"}}');
    expect(parsed?.headers).toEqual({ ticket: 't', clock: 4 });
  });

  it('takes a body that is not base64 as text, and refuses what is not an envelope', () => {
    expect(Buffer.from(parsePlaneEnvelope(Buffer.from('{"body": "[1]"}'))?.body ?? []).toString()).toBe('[1]');
    expect(parsePlaneEnvelope(Buffer.from('{"body": "[1]"}'))?.headers).toEqual({});
    expect(parsePlaneEnvelope(Buffer.from('not json'))).toBeUndefined();
    expect(parsePlaneEnvelope(Buffer.from('{"headers": {}}'))).toBeUndefined();
    expect(parsePlaneEnvelope(Buffer.from('[]'))).toBeUndefined();
  });
});
