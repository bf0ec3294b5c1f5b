import { UnencodableValueError } from '../errors/unencodable-value-error.js';
import type { TaskBody, TaskMessage } from '../spec/task-message.js';
import { bodyValuePath } from './body-value-path.js';
import { compressBody } from './compression.js';
import { toPythonJson } from './to-python-json.js';

/**
 * Serializes `[args, kwargs, embed]` to UTF-8 JSON bytes formatted like Python's `json.dumps`,
 * compressed when `compression` (the message's `compression` header) is given.
 *
 * @throws UnencodableValueError when the body holds a value with no faithful JSON form (see `toPythonJson`).
 * @throws TypeError when the compression is not `application/x-gzip`.
 */
export function encodeBody(body: TaskBody, compression?: string): Uint8Array {
  const bytes = Buffer.from(toPythonJson(body), 'utf8');
  return compression === undefined ? bytes : compressBody(bytes, compression);
}

/** Encoded bodies by body array: core's size check and the transport's encoder share one encoding. */
const encoded = new WeakMap<TaskBody, { compression: string | undefined; bytes: Uint8Array }>();

/**
 * The message's body as it travels (see {@link encodeBody}), encoded once per message: the
 * runtime's size check encodes it, the transport's encoder gets the same bytes back.
 *
 * @throws UnencodableValueError naming the task and the argument (`task 'reports.build': args[1].when.at is a Map, ...`).
 */
export function encodedBodyOf(message: TaskMessage): Uint8Array {
  const compression = typeof message.headers.compression === 'string' ? message.headers.compression : undefined;
  const cached = encoded.get(message.body);
  if (cached && cached.compression === compression) return cached.bytes;
  let bytes: Uint8Array;
  try {
    bytes = encodeBody(message.body, compression);
  } catch (error) {
    if (!(error instanceof UnencodableValueError)) throw error;
    const { keys, problem } = error;
    throw new UnencodableValueError(`${bodyValuePath(message.headers.task, message.body, keys)} ${problem}`, { keys, problem });
  }
  encoded.set(message.body, { compression, bytes });
  return bytes;
}

/**
 * Records the bytes a received body was decoded from, so {@link encodedBodyOf} returns them rather
 * than a re-encoding: a signature is checked over the bytes that travelled, which a re-encoding of
 * the decoded (and normalized) body need not reproduce.
 */
export function rememberEncodedBody(message: TaskMessage, bytes: Uint8Array): void {
  const compression = typeof message.headers.compression === 'string' ? message.headers.compression : undefined;
  encoded.set(message.body, { compression, bytes });
}
