import { MessageDecodeError } from '../errors/message-decode-error.js';
import type { TaskBody, TaskHeaders, TaskMessage, TaskProperties } from '../spec/task-message.js';
import { describeValue } from './describe-value.js';
import { isRecord } from './is-record.js';
import { parsePythonDate } from './parse-python-date.js';
import { argsRepr, kwargsRepr } from './repr.js';
import { unsupportedContentType } from './unsupported-content-type.js';
import { validateBody } from './validate-body.js';
import { withDecodeContext } from './with-decode-context.js';

/**
 * Checks a protocol v2 message whose parts are already decoded (`{ headers, properties, body }`,
 * body being the parsed `[args, kwargs, embed]`) and fills what Python's worker defaults: every
 * §1.1 header key (`null`, `0`, `[null, null]`, computed `argsrepr`/`kwargsrepr`), and properties
 * `correlation_id` (= id), `reply_to` (`''`), `delivery_mode` (2), `priority` (0). Custom headers
 * and extra properties are kept. Used by `fromEnvelope`, and by transports that carry headers
 * natively (AMQP) after `decodeBody`.
 *
 * The headers, properties and body objects given are completed IN PLACE and become the message's
 * (pass freshly decoded ones): copying them would cost every delivery a few objects for nothing.
 *
 * @throws MessageDecodeError naming the task and the field: missing `task` header (not protocol
 *   v2), non-string `id`, unparseable `eta`/`expires`, wrongly typed `retries`, `timelimit`,
 *   `group_index` or ids, bad body shape.
 */
export function validateTaskMessage(message: unknown): TaskMessage {
  if (!isRecord(message)) {
    throw new MessageDecodeError(`A task message must be an object with headers, properties and body, got ${describeValue(message)}`);
  }
  const { headers } = message;
  if (!isRecord(headers)) {
    throw new MessageDecodeError(`Message headers must be an object, got ${describeValue(headers)}: not a Celery protocol v2 message`);
  }
  const { task, id } = headers;
  if (typeof task !== 'string' || task === '') {
    const got = task === undefined ? '' : ` (got ${describeValue(task)})`;
    throw new MessageDecodeError(`Message has no 'task' header${got}: not a Celery protocol v2 message`);
  }
  if (typeof id !== 'string' || id === '') {
    throw new MessageDecodeError(`Message for task '${task}' has no string 'id' header (got ${describeValue(id)})`);
  }
  return withDecodeContext(headers, () => {
    if (message.contentType !== undefined && message.contentType !== 'application/json') {
      throw new MessageDecodeError(unsupportedContentType(message.contentType));
    }
    const body = validateBody(message.body);
    return {
      headers: normalizeHeaders(headers, task, id, body),
      properties: normalizeProperties(message.properties, id),
      body,
      contentType: 'application/json',
      contentEncoding: 'utf-8',
    };
  });
}

function normalizeHeaders(raw: Record<string, unknown>, task: string, id: string, body: TaskBody): TaskHeaders {
  if (typeof raw.lang !== 'string') raw.lang = '';
  raw.task = task;
  raw.id = id;
  raw.shadow = nullableString(raw, 'shadow');
  raw.eta = dateString(raw, 'eta');
  raw.expires = dateString(raw, 'expires');
  raw.group = nullableString(raw, 'group');
  raw.group_index = count(raw, 'group_index', null);
  raw.retries = count(raw, 'retries', 0);
  raw.timelimit = timelimit(raw.timelimit);
  raw.root_id = nullableString(raw, 'root_id');
  raw.parent_id = nullableString(raw, 'parent_id');
  // Display-only fields: tolerate anything, recompute what is missing.
  if (typeof raw.argsrepr !== 'string') raw.argsrepr = argsRepr(body[0]);
  if (typeof raw.kwargsrepr !== 'string') raw.kwargsrepr = kwargsRepr(body[1]);
  if (typeof raw.origin !== 'string') raw.origin = '';
  raw.ignore_result = raw.ignore_result === true;
  return raw as TaskHeaders;
}

function normalizeProperties(raw: unknown, id: string): TaskProperties {
  if (raw !== undefined && !isRecord(raw)) throw new MessageDecodeError(`Message properties must be an object, got ${describeValue(raw)}`);
  const properties: Record<string, unknown> = raw ?? {};
  if (typeof properties.correlation_id !== 'string') properties.correlation_id = id;
  if (typeof properties.reply_to !== 'string') properties.reply_to = '';
  if (typeof properties.delivery_mode !== 'number') properties.delivery_mode = 2;
  if (typeof properties.priority !== 'number') properties.priority = 0;
  return properties as TaskProperties;
}

function nullableString(raw: Record<string, unknown>, key: string): string | null {
  const value = raw[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new MessageDecodeError(`Header '${key}' must be a string or null, got ${describeValue(value)}`);
  return value;
}

function dateString(raw: Record<string, unknown>, key: string): string | null {
  const value = nullableString(raw, key);
  if (value !== null && parsePythonDate(value) === null) {
    throw new MessageDecodeError(`Header '${key}' is not an ISO-8601 datetime: ${JSON.stringify(value)}`);
  }
  return value;
}

function count<T extends number | null>(raw: Record<string, unknown>, key: string, fallback: T): number | T {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new MessageDecodeError(`Header '${key}' must be a non-negative integer, got ${describeValue(value)}`);
  }
  return value as number;
}

function timelimit(value: unknown): [number | null, number | null] {
  if (value === undefined || value === null) return [null, null];
  if (!Array.isArray(value) || value.length !== 2 || !isLimit(value[0]) || !isLimit(value[1])) {
    throw new MessageDecodeError(`Header 'timelimit' must be [hard, soft] seconds (numbers or null), got ${JSON.stringify(value)}`);
  }
  return value as [number | null, number | null];
}

function isLimit(limit: unknown): boolean {
  return limit === null || (typeof limit === 'number' && Number.isFinite(limit) && limit >= 0);
}
