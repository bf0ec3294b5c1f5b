import type { Logger } from 'pino';
import { ConfigurationError } from '../errors/configuration-error.js';
import { UnsupportedCapabilityError } from '../errors/unsupported-capability-error.js';
import { createResultMeta } from '../protocol/index.js';
import type { RuntimeBackend } from '../runtime/runtime-backend.js';
import type { SignatureJson } from '../spec/task-message.js';

/** What sending a call once needs from its app. */
export interface SendOnceHost {
  readonly logger: Logger;
  /** How long the claim lasts: as long as the record a worker would store. */
  readonly resultExpiresMs: number;
  /** Whether the claim's record names the task (`AppConfig.resultExtended`). */
  readonly resultExtended: boolean;
  maybeResultBackend(): Promise<RuntimeBackend | undefined>;
}

/**
 * `applyAsync(args, { taskId, deduplicate: true })`: claim the task id in the result backend (a
 * PENDING record stored only where the id has none, atomically), then `send`. When the id is
 * claimed already (pending, running or done), nothing is sent. A send that fails releases the
 * claim, or the same call could never be made again. Returns the task id either way.
 */
export async function sendOnce(host: SendOnceHost, signature: SignatureJson, send: () => Promise<unknown>): Promise<string> {
  const taskId = signature.options.task_id;
  if (typeof taskId !== 'string' || taskId === '') {
    throw new ConfigurationError(
      `applyAsync({ deduplicate: true }) for ${signature.task} needs a taskId: the id is what makes two calls the same call (derive it from what identifies the work, e.g. an order number).`,
    );
  }
  const backend = await host.maybeResultBackend();
  if (!backend?.claim || !backend.releaseClaim) {
    const which = backend
      ? `${backend.transport.constructor.name} cannot (no \`claims\` capability: rpc:// keeps no record another sender could check)`
      : 'this app has none';
    throw new UnsupportedCapabilityError(
      'claims',
      `applyAsync({ deduplicate: true }) needs a result backend that claims task ids atomically, and ${which}. Use redis:// (or memory:// in one process) as the result backend; the broker can stay what it is.`,
    );
  }
  const pending = createResultMeta({ taskId, status: 'PENDING', result: null, extended: host.resultExtended, name: signature.task });
  if (!(await backend.claim(taskId, pending, { ttlMs: host.resultExpiresMs }))) {
    host.logger.debug({ taskId, task: signature.task }, 'task id already pending, running or done; not sent again (deduplicate)');
    return taskId;
  }
  try {
    await send();
  } catch (error) {
    await backend.releaseClaim(taskId).catch((releaseError: unknown) => {
      host.logger.warn(
        { taskId, task: signature.task, err: releaseError },
        'sending failed and its claim could not be released: a deduplicated call of this id sends nothing until the claim expires or the id is forgotten',
      );
    });
    throw error;
  }
  return taskId;
}
