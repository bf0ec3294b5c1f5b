import type { TaskBody } from '../spec/task-message.js';
import { type BodyEncodingInfo, decodePayload } from './decode-payload.js';
import { validateBody } from './validate-body.js';

/**
 * Decodes serialized body bytes into `[args, kwargs, embed]`: checks the content type is
 * `application/json` (the only cross-language serializer), decompresses `application/x-gzip`,
 * parses JSON (kombu 5.3 tagged values become Dates, Buffers and strings, see `reviveWireValues`), checks the
 * shape and normalizes `embed` (`null`/`{}` → all-null).
 *
 * @throws MessageDecodeError with the reason (unsupported content type or compression, invalid
 *   UTF-8 or JSON, wrong shape).
 */
export function decodeBody(bytes: Uint8Array, info: BodyEncodingInfo): TaskBody {
  return validateBody(decodePayload(bytes, info));
}
