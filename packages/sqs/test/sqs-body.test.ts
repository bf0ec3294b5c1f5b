import { createTaskMessage } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { decodeSqsBody, encodeSqsBody } from '../src/index.js';

// Spec §4.2: what kombu 5.2.4's SQS channel sent for `add.delay(2, 3)` (captured), base64-decoded.
const KOMBU_ENVELOPE =
  '{"body": "W1syLCAzXSwge30sIHsiY2FsbGJhY2tzIjogbnVsbCwgImVycmJhY2tzIjogbnVsbCwgImNoYWluIjogbnVsbCwgImNob3JkIjogbnVsbH1d", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"lang": "py", "task": "sqsproj.add", "id": "f3ee77d2-b85c-4c8c-870f-4671fc6d8f9d", "shadow": null, "eta": null, "expires": null, "group": null, "group_index": null, "retries": 0, "timelimit": [null, null], "root_id": "f3ee77d2-b85c-4c8c-870f-4671fc6d8f9d", "parent_id": null, "argsrepr": "(2, 3)", "kwargsrepr": "{}", "origin": "gen17797@vm", "ignore_result": false}, "properties": {"correlation_id": "f3ee77d2-b85c-4c8c-870f-4671fc6d8f9d", "reply_to": "aa3da227-e93d-3b5e-b9d0-feebf5796255", "delivery_mode": 2, "delivery_info": {"exchange": "", "routing_key": "celery"}, "priority": 0, "body_encoding": "base64", "delivery_tag": "28f54395-5c3b-48fe-906b-f79675407b94"}}';
const KOMBU_BODY = Buffer.from(KOMBU_ENVELOPE).toString('base64');

describe('SQS message bodies (spec §4.2)', () => {
  it("reads Celery's captured SQS body (base64 of the kombu envelope, itself holding a base64 body)", () => {
    expect(
      KOMBU_BODY.startsWith(
        'eyJib2R5IjogIlcxc3lMQ0F6WFN3Z2UzMHNJSHNpWTJGc2JHSmhZMnR6SWpvZ2JuVnNiQ3dnSW1WeWNtSmhZMnR6SWpvZ2JuVnNiQ3dnSW1Ob1lXbHVJam9n',
      ),
    ).toBe(true);
    const { message, decodeError, raw } = decodeSqsBody(KOMBU_BODY);
    expect(decodeError).toBeUndefined();
    expect(message?.headers).toMatchObject({ task: 'sqsproj.add', id: 'f3ee77d2-b85c-4c8c-870f-4671fc6d8f9d', lang: 'py' });
    expect(message?.body).toEqual([[2, 3], {}, { callbacks: null, errbacks: null, chain: null, chord: null }]);
    expect(Buffer.from(raw).toString('utf8')).toBe(KOMBU_ENVELOPE);
  });

  it('reads the envelope unencoded too (kombu with sqs_base64_encoding off)', () => {
    expect(decodeSqsBody(KOMBU_ENVELOPE).message?.headers.task).toBe('sqsproj.add');
  });

  it('writes what kombu writes: base64 of the envelope, in kombu key order, routed to the Celery queue name', () => {
    const message = createTaskMessage({ task: 'proj.add', id: '5b1b5c2f-0000-4000-8000-000000000001', args: [2, 3] });
    const body = encodeSqsBody(message, 'high.priority', true);
    expect(body).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const envelope = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
    expect(Object.keys(envelope)).toEqual(['body', 'content-encoding', 'content-type', 'headers', 'properties']);
    expect(envelope.properties.delivery_info).toEqual({ exchange: '', routing_key: 'high.priority' });
    expect(envelope.properties.body_encoding).toBe('base64');
    expect(JSON.parse(Buffer.from(envelope.body, 'base64').toString('utf8'))).toEqual([
      [2, 3],
      {},
      { callbacks: null, errbacks: null, chain: null, chord: null },
    ]);
    expect(decodeSqsBody(body).message?.body).toEqual(message.body);
    expect(decodeSqsBody(encodeSqsBody(message, 'q', false)).message?.headers.id).toBe(message.headers.id);
  });

  it('undecodable bodies come back with decodeError and their bytes, never a throw', () => {
    for (const body of ['{"not": "closed"', 'aGVsbG8=', '', Buffer.from([0xff, 0xfe, 0x00]).toString('base64')]) {
      const decoded = decodeSqsBody(body);
      expect(decoded.message).toBeUndefined();
      expect(decoded.decodeError?.code).toBe('TQ_MESSAGE_DECODE');
    }
    expect([...decodeSqsBody(Buffer.from([0xff, 0xfe, 0x00]).toString('base64')).raw]).toEqual([0xff, 0xfe, 0x00]);
    expect(Buffer.from(decodeSqsBody('{"not": "closed"').raw).toString()).toBe('{"not": "closed"');
  });
});
