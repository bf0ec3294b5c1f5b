import { fromEnvelope, MessageDecodeError, type TaskMessage, toEnvelope } from '@tq/core';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Characters an SQS body may not contain (outside XML's character set). */
const NOT_SQS_TEXT = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * The SQS `MessageBody` kombu writes (spec §4.2): the kombu JSON envelope, base64-encoded as a
 * whole when `base64` (kombu's `sqs_base64_encoding`, default true). Python reads either form.
 */
export function encodeSqsBody(message: TaskMessage, queue: string, base64: boolean): string {
  const envelope = toEnvelope(message, { queue });
  return base64 ? Buffer.from(envelope, 'utf8').toString('base64') : envelope;
}

/**
 * A body for bytes put on a queue as they are: text SQS accepts stays text; anything else (bytes,
 * or text with characters SQS refuses) travels base64-encoded, which the receiving side unwraps.
 */
export function rawSqsBody(raw: Uint8Array | string): string {
  if (typeof raw === 'string' && !NOT_SQS_TEXT.test(raw)) return raw;
  return Buffer.from(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw).toString('base64');
}

/** What a received SQS body holds. */
export interface DecodedSqsBody {
  /** The bytes once SQS's base64 layer is removed (the kombu envelope for a valid message). */
  raw: Uint8Array;
  message: TaskMessage | undefined;
  decodeError: MessageDecodeError | undefined;
}

/**
 * Decodes a received `MessageBody` like kombu: base64-decode it only when it is strictly valid
 * base64 that round-trips, take that as text when it is UTF-8 (else the body text itself, as kombu
 * does), then the kombu envelope. Never throws: undecodable bodies come back with `decodeError`
 * for the worker to dead-letter.
 */
export function decodeSqsBody(body: string): DecodedSqsBody {
  const { raw, text } = unwrapBase64(body);
  try {
    return { raw, message: fromEnvelope(text), decodeError: undefined };
  } catch (error) {
    const decodeError =
      error instanceof MessageDecodeError
        ? error
        : new MessageDecodeError(`SQS message body does not decode: ${String(error)}`, { cause: error });
    return { raw, message: undefined, decodeError };
  }
}

/** The bytes of a body (base64 removed when it is base64) and the text to parse. */
export function unwrapBase64(body: string): { raw: Uint8Array; text: string } {
  if (body.length > 0 && body.length % 4 === 0 && BASE64.test(body)) {
    const bytes = Buffer.from(body, 'base64');
    if (bytes.toString('base64') === body) {
      try {
        return { raw: bytes, text: utf8.decode(bytes) };
      } catch {
        return { raw: bytes, text: body };
      }
    }
  }
  return { raw: Buffer.from(body, 'utf8'), text: body };
}
