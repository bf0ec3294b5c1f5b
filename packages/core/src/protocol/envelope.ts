import { randomUUID } from 'node:crypto';
import { MessageDecodeError } from '../errors/message-decode-error.js';
import type { TaskMessage } from '../spec/task-message.js';
import { decodeTaskMessage } from './decode-task-message.js';
import { describeValue } from './describe-value.js';
import { encodedBodyOf } from './encode-body.js';
import { isRecord } from './is-record.js';
import { withDecodeContext } from './with-decode-context.js';

/** Where a message goes, as kombu records it in `properties.delivery_info`. */
export interface EnvelopeRouting {
  /** Destination queue; also the routing key unless `routingKey` is given. */
  queue: string;
  /** Exchange name; `''` (default) is the anonymous exchange Celery uses for direct queues. */
  exchange?: string;
  /** Default: `queue`. */
  routingKey?: string;
  /** The ack handle; default a fresh uuid4, as kombu does. */
  deliveryTag?: string;
}

/**
 * Wraps a message in kombu's virtual-transport JSON envelope (spec §2.3), as Redis, SQS and memory
 * store it: base64 body (compressed first when `headers.compression` is set), hyphenated
 * `content-type`/`content-encoding`, and properties extended with `delivery_info`,
 * `body_encoding: "base64"` and `delivery_tag`, in kombu's key order. The body is `json.dumps`-formatted
 * (byte-identical to Python's); the envelope around it is compact JSON, which kombu parses alike and
 * which costs a quarter of the Python formatting on the publish path.
 * `properties.priority` is written as given: mapping it for a transport is the transport's job.
 */
export function toEnvelope(message: TaskMessage, routing: EnvelopeRouting): string {
  const body = encodedBodyOf(message);
  // Transport fields of a previous delivery are replaced, not carried over. A loop, not a rest
  // spread: this runs for every message sent.
  const properties: Record<string, unknown> = {};
  for (const key in message.properties) if (!TRANSPORT_PROPERTIES.has(key)) properties[key] = message.properties[key];
  properties.delivery_info = { exchange: routing.exchange ?? '', routing_key: routing.routingKey ?? routing.queue };
  properties.priority = message.properties.priority;
  properties.body_encoding = 'base64';
  properties.delivery_tag = routing.deliveryTag ?? randomUUID();
  return JSON.stringify({
    body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'),
    'content-encoding': message.contentEncoding,
    'content-type': message.contentType,
    headers: message.headers,
    properties,
  });
}

/** Properties the envelope sets itself (priority goes after delivery_info, in kombu's order). */
const TRANSPORT_PROPERTIES = new Set(['delivery_info', 'body_encoding', 'delivery_tag', 'priority']);

const utf8 = new TextDecoder('utf-8', { fatal: true });
// A plain character class: grouped patterns overflow V8's regex stack on multi-megabyte bodies.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a kombu JSON envelope (a Redis list entry, an SQS body once base64-decoded) into a
 * {@link TaskMessage}. Follows kombu: the body is base64 only when `properties.body_encoding` says
 * so (otherwise it is the raw JSON text, spec §1.12); the rest is `decodeTaskMessage` (compression,
 * JSON, protocol v1/hybrid conversion, validation). Properties keep `delivery_info`,
 * `delivery_tag` and other transport fields.
 *
 * @throws MessageDecodeError saying precisely what is wrong (and with which task when known).
 */
export function fromEnvelope(raw: Uint8Array | string): TaskMessage {
  const envelope = parseEnvelope(raw);
  const { headers, properties } = envelope;
  if (!isRecord(headers)) {
    throw new MessageDecodeError(`Envelope 'headers' must be an object, got ${describeValue(headers)}: not a Celery protocol v2 message`);
  }
  if (properties !== undefined && !isRecord(properties)) {
    throw new MessageDecodeError(`Envelope 'properties' must be an object, got ${describeValue(properties)}`);
  }
  const body = () => bodyBytes(envelope.body, properties?.body_encoding);
  return decodeTaskMessage({
    headers,
    properties,
    body: typeof headers.task === 'string' ? withDecodeContext(headers, body) : body(),
    contentType: stringOrNull(envelope['content-type']),
    contentEncoding: stringOrNull(envelope['content-encoding']),
  });
}

function parseEnvelope(raw: Uint8Array | string): Record<string, unknown> {
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8.decode(raw);
  } catch (error) {
    throw new MessageDecodeError('Envelope is not valid UTF-8', { cause: error });
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch (error) {
    throw new MessageDecodeError(`Envelope is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isRecord(envelope)) {
    throw new MessageDecodeError(`Envelope must be a JSON object {body, headers, properties, ...}, got ${describeValue(envelope)}`);
  }
  return envelope;
}

function bodyBytes(body: unknown, bodyEncoding: unknown): Uint8Array {
  if (typeof body !== 'string') throw new MessageDecodeError(`Envelope 'body' must be a string, got ${describeValue(body)}`);
  // kombu decodes only when body_encoding is present and not utf-8.
  if (bodyEncoding === undefined || bodyEncoding === null || String(bodyEncoding).toLowerCase() === 'utf-8') {
    return Buffer.from(body, 'utf8');
  }
  if (String(bodyEncoding).toLowerCase() !== 'base64') {
    throw new MessageDecodeError(`Unsupported body_encoding ${describeValue(bodyEncoding)}: expected base64 or utf-8`);
  }
  if (body.length % 4 !== 0 || !BASE64.test(body))
    throw new MessageDecodeError('Envelope body is not valid base64 (body_encoding is base64)');
  return Buffer.from(body, 'base64');
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
