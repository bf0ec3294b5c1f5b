import type { PlaneMessage } from '@tq/core';
import type { ConsumeMessage, Options } from 'amqplib';
import { toFieldTable } from '../message/field-table.js';

/** A pidbox request or reply, or an event, as RabbitMQ delivered it (headers decoded by amqplib). */
export function planeMessage(delivery: ConsumeMessage): PlaneMessage {
  return { body: delivery.content, headers: delivery.properties.headers ?? {} };
}

/**
 * Properties of a plane message as kombu sends them (spec §3.4): JSON in UTF-8, the headers as
 * a field table py-amqp reads back (`clock` an `I` integer, `expires` a double or `I` 0),
 * `deliveryMode` 2 for requests, 1 (transient) for replies and events.
 */
export function planePublishOptions(message: PlaneMessage, deliveryMode: 1 | 2): Options.Publish {
  return { contentType: 'application/json', contentEncoding: 'utf-8', headers: toFieldTable(message.headers), deliveryMode };
}

/** The body as the Buffer amqplib sends, without copying it. */
export function planeContent(message: PlaneMessage): Buffer {
  const { body } = message;
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
