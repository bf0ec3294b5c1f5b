import { encodedBodyOf } from '../protocol/encode-body.js';
import type { TaskMessage } from '../spec/task-message.js';

/** Bumped if what is signed ever changes, so old and new signatures cannot be mistaken. */
const VERSION = 'tq-signature-1';

/**
 * Headers a signature covers: what decides which code runs (`task`), as which task (`id`: results,
 * revokes, dedup), when and how long (`eta`, `expires`, `timelimit`), how often (`retries`), in
 * which chord (`group`, `group_index`), and how the body bytes are read (`compression`). The rest
 * is display (`argsrepr`, `origin`), lineage (`root_id`, `parent_id`), or changed on the way by
 * transports (Redis's `redelivered`); signing them would add breakage, not safety.
 */
export const SIGNED_HEADERS = ['task', 'id', 'eta', 'expires', 'timelimit', 'retries', 'group', 'group_index', 'compression'] as const;

/**
 * The bytes a signature is made over: a JSON line with the version, the key id and the
 * {@link SIGNED_HEADERS} (absent ones as `null`), then the body exactly as it travels (compressed
 * when it is; for a received message, the bytes received).
 */
export function signedContent(message: TaskMessage, keyId: string): Buffer {
  const headers = message.headers;
  const fields = [VERSION, keyId, ...SIGNED_HEADERS.map((name) => headers[name] ?? null)];
  return Buffer.concat([Buffer.from(`${JSON.stringify(fields)}\n`), encodedBodyOf(message)]);
}
