import { MessageDecodeError } from '../errors/message-decode-error.js';
import type { TaskMessage } from '../spec/task-message.js';
import { checkJsonStructure } from './check-json-structure.js';
import { decodePayload } from './decode-payload.js';
import { describeValue } from './describe-value.js';
import { rememberEncodedBody } from './encode-body.js';
import { fromProtocolV1 } from './from-protocol-v1.js';
import { isRecord } from './is-record.js';
import { SIGNATURE_HEADER } from './signature-header.js';
import { validateTaskMessage } from './validate-task-message.js';
import { withDecodeContext } from './with-decode-context.js';

/** A message as a transport with native headers receives it (AMQP properties, Kafka record headers). */
export interface RawTaskMessage {
  headers: unknown;
  properties?: unknown;
  /** The serialized body, still compressed if `headers.compression` says so. */
  body: Uint8Array;
  contentType?: string | null;
  contentEncoding?: string | null;
}

/**
 * Decodes a message whose headers and properties travel natively and whose body is bytes: body
 * decoded per content type and `headers.compression`, then checked like `validateTaskMessage`.
 * Protocol v1 bodies (no `task` header) and hybrid ones (v1 body under v2 headers) are converted
 * to v2, as Celery does. Headers and properties pass `checkJsonStructure` too.
 *
 * @throws MessageDecodeError saying precisely what is wrong, naming the task when known.
 */
export function decodeTaskMessage(raw: RawTaskMessage): TaskMessage {
  const { headers, properties } = raw;
  if (!isRecord(headers)) {
    throw new MessageDecodeError(`Message headers must be an object, got ${describeValue(headers)}: not a Celery protocol v2 message`);
  }
  const checkStructure = () => {
    checkJsonStructure(headers, 'Headers');
    checkJsonStructure(properties, 'Properties');
  };
  // Named after the task when it has a name, so its caller gets a FAILURE rather than a hang.
  if (typeof headers.task === 'string') withDecodeContext(headers, checkStructure);
  else checkStructure();
  const decode = () =>
    decodePayload(raw.body, {
      contentType: raw.contentType,
      contentEncoding: raw.contentEncoding,
      compression: stringOrUndefined(headers.compression),
    });
  if (typeof headers.task !== 'string') {
    const payload = attempt(decode);
    if (isRecord(payload) && typeof payload.task === 'string') return fromProtocolV1(payload, headers, properties);
    const got = headers.task === undefined ? '' : ` (got ${describeValue(headers.task)})`;
    throw new MessageDecodeError(
      `Message has no 'task' header${got} and its body is not a protocol v1 task: not a Celery protocol v2 message`,
    );
  }
  const payload = withDecodeContext(headers, decode);
  // A v1 body under v2 headers ("hybrid"), as Celery still accepts.
  if (isRecord(payload) && 'args' in payload) return fromProtocolV1(payload, headers, properties);
  const message = validateTaskMessage({ headers, properties, body: payload });
  // Kept only for signed messages: the signature is checked over these bytes.
  if (typeof headers[SIGNATURE_HEADER] === 'string') rememberEncodedBody(message, raw.body);
  return message;
}

function attempt<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
