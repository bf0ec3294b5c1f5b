import type { TaskBody } from '../spec/task-message.js';
import { compressBody } from './compression.js';
import { toPythonJson } from './to-python-json.js';

/**
 * Serializes `[args, kwargs, embed]` to UTF-8 JSON bytes formatted like Python's `json.dumps`,
 * compressed when `compression` (the message's `compression` header) is given.
 *
 * @throws TypeError when the body holds a value JSON cannot represent (a BigInt) or the
 *   compression is not `application/x-gzip`.
 */
export function encodeBody(body: TaskBody, compression?: string): Uint8Array {
  const bytes = Buffer.from(toPythonJson(body), 'utf8');
  return compression === undefined ? bytes : compressBody(bytes, compression);
}
