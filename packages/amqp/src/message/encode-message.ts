import { encodedBodyOf, type TaskMessage } from '@tq/core';
import type { Options } from 'amqplib';
import { toFieldTable } from './field-table.js';
import { taskHeaders } from './transport-headers.js';

/** A task message as AMQP sends it: raw body bytes plus basic properties. */
export interface EncodedMessage {
  content: Buffer;
  options: Options.Publish;
}

/** How a message is sent, beyond what it says itself. */
export interface EncodeOptions {
  /** Priority to travel with; default `properties.priority`. */
  priority?: number;
}

/**
 * Maps a task message onto AMQP exactly as kombu's py-amqp transport does (spec §3.2): the body as
 * raw JSON bytes (compressed per the `compression` header), headers as an `application_headers`
 * field table, and `content_type`, `content_encoding`, `correlation_id`, `reply_to`, `priority`,
 * `delivery_mode` (2, persistent) as basic properties of the same names.
 *
 * Unlike kombu, no broker TTL (`expiration`): RabbitMQ would drop an expired message unseen, so
 * nothing stores REVOKED and its caller waits forever. The worker discards it on receipt instead,
 * storing REVOKED ("expired"), as on every other transport (ADR 18).
 */
export function encodeMessage(message: TaskMessage, options: EncodeOptions = {}): EncodedMessage {
  const { headers, properties } = message;
  const publish: Options.Publish = {
    contentType: message.contentType,
    contentEncoding: message.contentEncoding,
    headers: toFieldTable(taskHeaders(headers)),
    deliveryMode: typeof properties.delivery_mode === 'number' ? properties.delivery_mode : 2,
    priority: options.priority ?? properties.priority ?? 0,
    correlationId: properties.correlation_id,
  };
  // kombu leaves reply_to unset rather than empty.
  if (properties.reply_to) publish.replyTo = properties.reply_to;
  // The bytes core's size check encoded (cached per message), viewed as a Buffer without a copy.
  const body = encodedBodyOf(message);
  return { content: Buffer.from(body.buffer, body.byteOffset, body.byteLength), options: publish };
}
