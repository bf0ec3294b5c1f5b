import type { TaskMessage } from '../spec/task-message.js';
import { validateTaskMessage } from './validate-task-message.js';

/**
 * Converts a protocol v1 body (spec §1.13: a JSON object carrying `task`, `id`, `args`, ...) or a
 * "hybrid" one (v1 body under v2 headers) to a v2 message, like Celery's `proto1_to_proto2`.
 * v1 has no `chain` (chains are nested callbacks) and calls the group `taskset`.
 *
 * @throws MessageDecodeError when the result is not a valid task message.
 */
export function fromProtocolV1(body: Record<string, unknown>, headers: Record<string, unknown>, properties: unknown): TaskMessage {
  return validateTaskMessage({
    headers: {
      lang: 'py',
      ...headers,
      task: body.task ?? headers.task,
      id: body.id ?? headers.id,
      eta: body.eta ?? null,
      expires: body.expires ?? null,
      group: body.taskset ?? body.group ?? null,
      group_index: body.group_index ?? null,
      retries: body.retries ?? 0,
      timelimit: body.timelimit ?? [null, null],
    },
    properties,
    body: [
      body.args ?? [],
      body.kwargs ?? {},
      { callbacks: body.callbacks ?? null, errbacks: body.errbacks ?? null, chain: null, chord: body.chord ?? null },
    ],
  });
}
