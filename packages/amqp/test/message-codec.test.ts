import { createTaskMessage, encodedBodyOf, GZIP_COMPRESSION } from '@tq/core';
import type { MessageProperties } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../src/message/decode-message.js';
import { encodeMessage } from '../src/message/encode-message.js';

/** What amqplib hands a consumer for what we published (typed ints come back as plain numbers). */
function received(encoded: ReturnType<typeof encodeMessage>, extraHeaders: Record<string, unknown> = {}): MessageProperties {
  const untype = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(untype)
      : value && typeof value === 'object' && '!' in value
        ? (value as unknown as { value: unknown }).value
        : value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, untype(v)]))
          : value;
  const o = encoded.options;
  return {
    contentType: o.contentType,
    contentEncoding: o.contentEncoding,
    headers: { ...(untype(o.headers) as Record<string, unknown>), ...extraHeaders },
    deliveryMode: o.deliveryMode,
    priority: o.priority,
    correlationId: o.correlationId,
    replyTo: o.replyTo,
    expiration: o.expiration,
    messageId: undefined,
    timestamp: undefined,
    type: undefined,
    userId: undefined,
    appId: undefined,
    clusterId: undefined,
  };
}

describe('AMQP message mapping (spec §3.2)', () => {
  const message = createTaskMessage({
    task: 'tasks.add',
    id: 'id-1',
    args: [2, 3],
    kwargs: { k: 'ü' },
    replyTo: 'oid-1',
    priority: 5,
    groupIndex: 300,
  });

  it('sends the body as raw JSON bytes and the rest as kombu does', () => {
    const encoded = encodeMessage(message);
    expect(JSON.parse(encoded.content.toString('utf8'))).toEqual(message.body);
    expect(encoded.options).toMatchObject({
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      deliveryMode: 2,
      priority: 5,
      correlationId: 'id-1',
      replyTo: 'oid-1',
    });
    expect(encoded.options.headers?.task).toBe('tasks.add');
    expect(encoded.options.headers?.group_index).toEqual({ '!': 'int', value: 300 });
  });

  it("sends the bytes core's size check encoded, without encoding the body again", () => {
    const checked = encodedBodyOf(message);
    const sent = encodeMessage(message).content;
    expect(sent.buffer).toBe(checked.buffer);
    expect(sent.byteLength).toBe(checked.byteLength);
  });

  it('round-trips, leaving transport headers out of the task headers', () => {
    const encoded = encodeMessage(message);
    const decoded = decodeMessage(encoded.content, received(encoded, { 'x-death': [{ count: 1 }], 'x-tq-delivery-count': 2 }));
    expect(decoded.decodeError).toBeUndefined();
    expect(decoded.message?.headers).toEqual(message.headers);
    expect(decoded.message?.body).toEqual(message.body);
    expect(decoded.message?.properties).toMatchObject({ correlation_id: 'id-1', reply_to: 'oid-1', priority: 5 });
  });

  it('compresses per the compression header', () => {
    const zipped = createTaskMessage({ task: 't', id: 'z', args: ['x'.repeat(1000)], headers: { compression: GZIP_COMPRESSION } });
    const encoded = encodeMessage(zipped);
    expect(encoded.content.byteLength).toBeLessThan(200);
    expect(decodeMessage(encoded.content, received(encoded)).message?.body).toEqual(zipped.body);
  });

  it('sends no broker TTL: an expired task reaches a worker, which stores REVOKED instead of RabbitMQ dropping it unseen', () => {
    const expiring = { ...message, properties: { ...message.properties, expiration: '300000' } };
    expect(encodeMessage(expiring).options.expiration).toBeUndefined();
    expect(encodeMessage(expiring).options.headers?.expires).toBe(expiring.headers.expires);
  });

  it('hands undecodable bytes back with a decode error instead of throwing', () => {
    const decoded = decodeMessage(Buffer.from('{"not": "closed"'), received(encodeMessage(message), {}));
    expect(decoded.message).toBeUndefined();
    expect(decoded.decodeError?.code).toBe('TQ_MESSAGE_DECODE');
    const headerless = decodeMessage(Buffer.from('[[], {}, {}]'), { headers: {} } as MessageProperties);
    expect(headerless.decodeError?.message).toMatch(/no 'task' header/);
  });
});
