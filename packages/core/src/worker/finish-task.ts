import type { Applied } from '../canvas/applied.js';
import { applySignature } from '../canvas/apply-signature.js';
import { taskIdsOf } from '../canvas/signature-json.js';
import { ChordError } from '../errors/chord-error.js';
import { PayloadTooLargeError } from '../errors/payload-too-large-error.js';
import { createResultMeta, serializeError, toPythonJson } from '../protocol/index.js';
import type { Delivery } from '../spec/broker.js';
import type { ChordPart, ResultTuple, TaskState } from '../spec/result-backend.js';
import type { SignatureJson, TaskMessage } from '../spec/task-message.js';
import type { WorkerRuntime } from './worker-runtime.js';

/** Store a state for the delivered task (unless it asked for no result). */
export function storeState(
  rt: WorkerRuntime,
  delivery: Delivery,
  message: TaskMessage,
  status: TaskState,
  result: unknown,
  traceback: string | null = null,
  children: ResultTuple[] = [],
): Promise<void> | undefined {
  const h = message.headers;
  if (!rt.backend || (h.ignore_result && status === 'SUCCESS')) return undefined;
  const [args, kwargs] = message.body;
  const meta = createResultMeta({
    taskId: h.id,
    status,
    result,
    traceback,
    children,
    groupId: h.group ?? undefined,
    parentId: h.parent_id ?? undefined,
    extended: rt.host.resultExtended,
    name: h.task,
    args,
    kwargs,
    worker: rt.hostname,
    retries: h.retries,
    queue: delivery.queue,
  });
  return rt.backend.set(h.id, meta, { ttlMs: rt.host.resultExpiresMs, replyTo: message.properties.reply_to });
}

/**
 * After success (spec §5.6): callbacks, then the next chain step, then SUCCESS (listing them as
 * children), then the chord part — which may send the chord body. `undefined` when there was
 * nothing to do (no result to store, nothing following): most tasks, so no promise for them.
 *
 * @throws UnencodableValueError or PayloadTooLargeError from {@link checkResult}: the task then fails with it.
 */
export function finishSuccess(rt: WorkerRuntime, delivery: Delivery, message: TaskMessage, value: unknown): Promise<void> | undefined {
  const embed = message.body[2];
  const follows = Boolean(embed.callbacks?.length || embed.chain?.length || embed.chord);
  const stored = rt.backend !== undefined && !message.headers.ignore_result;
  if (stored || follows) checkResult(rt, message, value, stored);
  if (!follows) return storeState(rt, delivery, message, 'SUCCESS', value);
  return sendWhatFollows(rt, delivery, message, value);
}

/**
 * A result is checked before it is stored or passed on, so the task fails clearly and at once
 * rather than leaving a wrong record or a lost one:
 * - one with no faithful wire form (a Map, NaN, a class instance, ...) fails with
 *   UnencodableValueError naming the path: the task ran, but what it returned cannot be reported
 *   faithfully (Celery stores its EncodeError the same way; ADR 23);
 * - one over `maxResultBytes`, when stored, fails like an oversize argument rather than being stored
 *   and then lost on the way to its caller (a pub/sub buffer limit, say).
 *
 * @throws UnencodableValueError naming the task and the path in the result
 * @throws PayloadTooLargeError naming the task and both sizes
 */
function checkResult(rt: WorkerRuntime, message: TaskMessage, value: unknown, stored: boolean): void {
  if (value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return;
  // A string of n characters is at most 6n bytes of escaped JSON (plus quotes): most are cleared uncounted.
  if (typeof value === 'string' && value.length * 6 + 2 <= rt.maxResultBytes) return;
  const { task, id } = message.headers;
  const json = toPythonJson(value, 'result', `task '${task}' returned a value that cannot be stored or passed on`);
  const bytes = json.length; // ASCII: toPythonJson escapes the rest
  if (stored && bytes > rt.maxResultBytes) {
    throw new PayloadTooLargeError(`The result of ${task} ${id} (maxResultBytes)`, bytes, rt.maxResultBytes);
  }
}

async function sendWhatFollows(rt: WorkerRuntime, delivery: Delivery, message: TaskMessage, value: unknown): Promise<void> {
  const h = message.headers;
  const embed = message.body[2];
  const from = { prepend: [value], parentId: h.id, rootId: h.root_id ?? h.id };
  const children: Applied[] = [];
  for (const callback of embed.callbacks ?? []) children.push(await applySignature(rt.host, structuredClone(callback), from));
  const chain = embed.chain ?? [];
  const next = chain.at(-1);
  if (next) {
    const step = structuredClone(next);
    // The rest of the chain, still reversed, rides on the next step (spec §1.5).
    if (chain.length > 1) step.options.chain = chain.slice(0, -1);
    children.push(await applySignature(rt.host, step, from));
  }
  await storeState(rt, delivery, message, 'SUCCESS', value, null, children.map(toTuple));
  if (embed.chord) await chordPartDone(rt, message, { state: 'SUCCESS', result: value });
}

/**
 * After final failure (spec §5.7): FAILURE, the same failure for every chain step that will now
 * never run (so nobody waits forever), the chord part, then the errbacks with `[taskId]`.
 */
export async function finishFailure(rt: WorkerRuntime, delivery: Delivery, message: TaskMessage, error: unknown): Promise<void> {
  const h = message.headers;
  const embed = message.body[2];
  const { result, traceback } = serializeError(error);
  await storeState(rt, delivery, message, 'FAILURE', result, traceback);
  await failIds(rt, message, (embed.chain ?? []).flatMap(taskIdsOf), result, traceback);
  if (embed.chord) await chordPartDone(rt, message, { state: 'FAILURE', result });
  const from = { prepend: [h.id], parentId: h.id, rootId: h.root_id ?? h.id };
  for (const errback of embed.errbacks ?? []) await applySignature(rt.host, structuredClone(errback), from);
}

/** Store REVOKED (reason `revoked`, `expired` or `terminated`) and settle a chord part like a failure. */
export async function finishRevoked(rt: WorkerRuntime, delivery: Delivery, message: TaskMessage, error: unknown): Promise<void> {
  const { result, traceback } = serializeError(error);
  await storeState(rt, delivery, message, 'REVOKED', result, traceback);
  await failIds(rt, message, (message.body[2].chain ?? []).flatMap(taskIdsOf), result, traceback, 'REVOKED');
  if (message.body[2].chord) await chordPartDone(rt, message, { state: 'REVOKED', result });
}

/** Record this header member; the member that completes the chord sends the body (or fails it). */
async function chordPartDone(rt: WorkerRuntime, message: TaskMessage, outcome: { state: TaskState; result: unknown }): Promise<void> {
  const h = message.headers;
  const body = message.body[2].chord as SignatureJson;
  if (!rt.backend?.addChordPart || !h.group) {
    rt.logger.error(
      { taskId: h.id },
      'task is a chord member but this worker has no result backend with atomic counters; the chord body cannot run',
    );
    return;
  }
  const parts = await rt.backend.addChordPart(h.group, {
    index: h.group_index ?? Number.MAX_SAFE_INTEGER,
    taskId: h.id,
    ...outcome,
  });
  if (!parts) return;
  const from = { parentId: h.id, rootId: h.root_id ?? h.id };
  const failed = parts.find((part) => part.state !== 'SUCCESS');
  if (failed) {
    const reason = `Chord header member ${failed.index} (task ${failed.taskId}) ended ${failed.state}: ${describe(failed)}`;
    return failChord(rt, message, body, new ChordError(reason), from);
  }
  try {
    await applySignature(rt.host, structuredClone(body), { ...from, prepend: [parts.map((part) => part.result)] });
  } catch (error) {
    // Only this worker knows the chord is complete: if the body cannot be sent (too big, say), fail
    // it now like Celery's chord_error_from_stack, or its caller waits forever.
    await failChord(rt, message, body, new ChordError(`Chord body could not be sent: ${(error as Error).message}`), from);
  }
}

/** Fail every task of the chord body with `error` and run the body's errbacks. */
async function failChord(
  rt: WorkerRuntime,
  message: TaskMessage,
  body: SignatureJson,
  error: ChordError,
  from: { parentId: string; rootId: string },
) {
  const { result, traceback } = serializeError(error);
  await failIds(rt, message, taskIdsOf(body), result, traceback);
  const bodyId = body.options.task_id as string | undefined;
  for (const errback of listOf(body.options.link_error)) {
    await applySignature(rt.host, structuredClone(errback), { ...from, prepend: [bodyId] });
  }
}

/** Store the same outcome for tasks that will now never run; their caller is the current message's. */
async function failIds(
  rt: WorkerRuntime,
  message: TaskMessage,
  ids: string[],
  result: unknown,
  traceback: string | null,
  status: TaskState = 'FAILURE',
) {
  if (!rt.backend) return;
  const backend = rt.backend;
  const options = { ttlMs: rt.host.resultExpiresMs, replyTo: message.properties.reply_to };
  await Promise.all(ids.map((taskId) => backend.set(taskId, createResultMeta({ taskId, status, result, traceback }), options)));
}

function describe(part: ChordPart): string {
  const error = part.result as { exc_type?: string; exc_message?: unknown[] } | null;
  return error?.exc_type ? `${error.exc_type}: ${(error.exc_message ?? []).join(', ')}` : JSON.stringify(part.result);
}

function listOf(value: unknown): SignatureJson[] {
  if (!value) return [];
  return Array.isArray(value) ? (value as SignatureJson[]) : [value as SignatureJson];
}

function toTuple(applied: Applied): ResultTuple {
  return applied.kind === 'task' ? [[applied.id, null], null] : [[applied.id, null], applied.members.map(toTuple)];
}
