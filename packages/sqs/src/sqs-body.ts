import { MessageDecodeError, type TaskMessage, fromEnvelope, toEnvelope } from '@tq/core';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The SQS `MessageBody` kombu writes (spec §4.2): the kombu JSON envelope, base64-encoded as a
 * whole when `base64` (kombu's `sqs_base64_encoding`, default true). Python reads either form.
 */
export function encodeSqsBody(message: TaskMessage, queue: string, base64: boolean): string {
  const envelope = toEnvelope(message, { queue });
  return base64 ? Buffer.from(envelope, 'utf8').toString('base64') : envelope;
}

/** What a received SQS body decodes to: the message, or why not. */
export interface DecodedSqsBody {
  message: TaskMessage | undefined;
  decodeError: MessageDecodeError | undefined;
}

/**
 * Decodes a received `MessageBody` like kombu: base64-decode it only when it is strictly valid
 * base64 that round-trips and is UTF-8, else take the text as it is; then the kombu envelope.
 * Never throws: undecodable bodies come back with `decodeError` for the worker to dead-letter.
 */
export function decodeSqsBody(body: string): DecodedSqsBody {
  try {
    return { message: fromEnvelope(unwrapBase64(body)), decodeError: undefined };
  } catch (error) {
    const decodeError =
      error instanceof MessageDecodeError ? error : new MessageDecodeError(`SQS message body does not decode: ${String(error)}`, { cause: error });
    return { message: undefined, decodeError };
  }
}

function unwrapBase64(body: string): string {
  if (body.length === 0 || body.length % 4 !== 0 || !BASE64.test(body)) return body;
  const bytes = Buffer.from(body, 'base64');
  if (bytes.toString('base64') !== body) return body;
  try {
    return utf8.decode(bytes);
  } catch {
    return body;
  }
}
