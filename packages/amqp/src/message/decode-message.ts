import { decodeBody, fromEnvelope, MessageDecodeError, type TaskMessage, validateTaskMessage } from '@tq/core';
import type { MessageProperties } from 'amqplib';
import { taskHeaders } from './transport-headers.js';

/** What a consumer made of the received bytes. */
export interface DecodedMessage {
  message: TaskMessage | undefined;
  decodeError: MessageDecodeError | undefined;
}

/**
 * Reads a task message whose headers travelled natively (spec §3.2): body bytes decoded per
 * content type, encoding and `compression` header, then checked and completed as Python's worker
 * does. Never throws: undecodable bytes come back with `decodeError`, for the worker to park.
 */
export function decodeMessage(content: Buffer, properties: MessageProperties): DecodedMessage {
  try {
    return { message: decode(content, properties), decodeError: undefined };
  } catch (error) {
    const decodeError = error instanceof MessageDecodeError ? error : new MessageDecodeError(String(error), { cause: error });
    return { message: undefined, decodeError };
  }
}

function decode(content: Buffer, properties: MessageProperties): TaskMessage {
  const headers = taskHeaders(properties.headers);
  const amqpProperties = {
    correlation_id: properties.correlationId ?? undefined,
    reply_to: properties.replyTo ?? undefined,
    delivery_mode: properties.deliveryMode ?? undefined,
    priority: properties.priority ?? undefined,
    ...(properties.expiration === undefined ? {} : { expiration: String(properties.expiration) }),
  };
  // No `task` header: a protocol v1 message (args in the body). core's envelope reader knows v1,
  // so hand it the same message in kombu's envelope form rather than duplicating that logic.
  if (typeof headers.task !== 'string') {
    return fromEnvelope(
      JSON.stringify({
        body: content.toString('base64'),
        'content-type': properties.contentType,
        'content-encoding': properties.contentEncoding,
        headers,
        properties: { ...amqpProperties, body_encoding: 'base64' },
      }),
    );
  }
  const body = decodeBody(content, {
    contentType: properties.contentType,
    contentEncoding: properties.contentEncoding,
    compression: typeof headers.compression === 'string' ? headers.compression : undefined,
  });
  return validateTaskMessage({ headers, properties: amqpProperties, body });
}
