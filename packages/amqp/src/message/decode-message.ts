import { decodeTaskMessage, MessageDecodeError, type TaskMessage } from '@tq/core';
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
  // core's decoder for transports whose headers travel natively: v1 and hybrid bodies included, and
  // a bad body under good headers names its task (so its caller gets a FAILURE instead of a hang).
  return decodeTaskMessage({
    headers: taskHeaders(properties.headers),
    properties: {
      correlation_id: properties.correlationId ?? undefined,
      reply_to: properties.replyTo ?? undefined,
      delivery_mode: properties.deliveryMode ?? undefined,
      priority: properties.priority ?? undefined,
      ...(properties.expiration === undefined ? {} : { expiration: String(properties.expiration) }),
    },
    body: content,
    contentType: properties.contentType,
    contentEncoding: properties.contentEncoding,
  });
}
