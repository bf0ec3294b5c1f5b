import { MessageDecodeError } from '../errors/message-decode-error.js';
import { checkJsonStructure } from './check-json-structure.js';
import { decompressBody } from './compression.js';
import { reviveWireValues } from './revive-wire-values.js';
import { unsupportedContentType } from './unsupported-content-type.js';

/** How a serialized body was produced: the message's content type, encoding and compression. */
export interface BodyEncodingInfo {
  /** MIME type; absent means `application/json`. */
  contentType?: string | null;
  /** Character set; absent means `utf-8`. */
  contentEncoding?: string | null;
  /** The `compression` header, when the body is compressed. */
  compression?: string | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Serialized body bytes to a JSON value (kombu tagged values decoded: see `reviveWireValues`), before
 * any shape check.
 * Shared by the protocol v2 and v1 paths. Only JSON is decoded: pickle and YAML are refused saying
 * why, and the parsed value must pass `checkJsonStructure` (depth limit, no `__proto__` keys).
 *
 * @throws MessageDecodeError naming what is wrong.
 */
export function decodePayload(bytes: Uint8Array, info: BodyEncodingInfo): unknown {
  const contentType = (info.contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new MessageDecodeError(unsupportedContentType(info.contentType));
  }
  const encoding = (info.contentEncoding ?? 'utf-8').toLowerCase();
  if (encoding !== 'utf-8' && encoding !== 'utf8') {
    throw new MessageDecodeError(`Unsupported content encoding '${info.contentEncoding}': tq accepts only utf-8`);
  }
  const raw = info.compression ? decompressBody(bytes, info.compression) : bytes;
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch (error) {
    throw new MessageDecodeError('Body is not valid UTF-8', { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MessageDecodeError(`Body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  checkJsonStructure(value, 'Body');
  // After the check: it walks the JSON as parsed, not Buffers; skipped when no tag can be present.
  return text.includes('"__type__"') ? reviveWireValues(value, 'Body') : value;
}
