import type { MessageProperties, Options } from 'amqplib';
import { toFieldTable } from './field-table.js';
import { taskHeaders } from './transport-headers.js';

/**
 * Publish options for a copy of a received message (delayed requeue, dead letter): the same
 * properties, task headers re-typed for py-amqp, transport headers replaced by `extraHeaders`.
 * `expiration` is dropped (it must not cut a delay short; RabbitMQ drops it on dead-lettering
 * too) and so is `user_id` (RabbitMQ checks it against the publishing connection's user).
 */
export function copyOptions(properties: MessageProperties, extraHeaders: Record<string, unknown>): Options.Publish {
  const options: Options.Publish = { headers: toFieldTable({ ...taskHeaders(properties.headers), ...extraHeaders }) };
  if (properties.contentType !== undefined) options.contentType = properties.contentType;
  if (properties.contentEncoding !== undefined) options.contentEncoding = properties.contentEncoding;
  options.deliveryMode = properties.deliveryMode ?? 2;
  if (properties.priority !== undefined) options.priority = properties.priority;
  if (properties.correlationId !== undefined) options.correlationId = properties.correlationId;
  if (properties.replyTo !== undefined) options.replyTo = properties.replyTo;
  if (properties.messageId !== undefined) options.messageId = properties.messageId;
  if (properties.timestamp !== undefined) options.timestamp = properties.timestamp;
  if (properties.type !== undefined) options.type = properties.type;
  if (properties.appId !== undefined) options.appId = properties.appId;
  return options;
}
