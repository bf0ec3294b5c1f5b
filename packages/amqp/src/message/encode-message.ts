import { encodeBody, type TaskMessage } from '@tq/core';
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
  /** Extra transport headers (delivery count, dead-letter reason). */
  extraHeaders?: Record<string, unknown>;
  /**
   * Keep the broker TTL (`expiration`). False on the delay ladder: a per-message TTL would expire
   * the message out of a ladder queue early and make it arrive before its time.
   */
  keepExpiration?: boolean;
}

/**
 * Maps a task message onto AMQP exactly as kombu's py-amqp transport does (spec §3.2): the body as
 * raw JSON bytes, headers as an `application_headers` field table, and `content_type`,
 * `content_encoding`, `correlation_id`, `reply_to`, `priority`, `delivery_mode` (2, persistent)
 * and `expiration` as basic properties of the same names.
 */
export function encodeMessage(message: TaskMessage, options: EncodeOptions = {}): EncodedMessage {
  const { headers, properties } = message;
  const compression = typeof headers.compression === 'string' ? headers.compression : undefined;
  const publish: Options.Publish = {
    contentType: message.contentType,
    contentEncoding: message.contentEncoding,
    headers: toFieldTable({ ...taskHeaders(headers), ...options.extraHeaders }),
    deliveryMode: typeof properties.delivery_mode === 'number' ? properties.delivery_mode : 2,
    priority: options.priority ?? properties.priority ?? 0,
    correlationId: properties.correlation_id,
  };
  // kombu leaves reply_to unset rather than empty.
  if (properties.reply_to) publish.replyTo = properties.reply_to;
  if (options.keepExpiration !== false && typeof properties.expiration === 'string') publish.expiration = properties.expiration;
  return { content: Buffer.from(encodeBody(message.body, compression)), options: publish };
}
