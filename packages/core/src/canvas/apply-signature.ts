import { randomUUID } from 'node:crypto';
import { createTaskMessage } from '../protocol/index.js';
import type { PublishOptions } from '../spec/broker.js';
import type { SignatureJson, TaskMessage } from '../spec/task-message.js';
import type { Applied } from './applied.js';
import {
  chordBodyOf,
  chordHeaderOf,
  chordIdOf,
  ensureId,
  freeze,
  kindOf,
  membersOf,
  normalizeChain,
  setOnResultProducer,
} from './signature-json.js';

/** What applying signatures needs from the app. */
export interface SignaturePublisher {
  /** Publish one message (capability and size checks included). */
  publish(queue: string, message: TaskMessage, options: PublishOptions): Promise<void>;
  /** The queue of a task that names none. */
  queueFor(taskName: string): string;
  /** Announce a chord of `size` members; refuses a backend without atomic counters. */
  initChord(chordId: string, size: number): Promise<void>;
  /** This process's reply-to id (Celery's oid). */
  readonly replyTo: string;
}

/** Where a signature is applied from: the parent's result and the workflow's ids. */
export interface ApplyContext {
  /** Prepended to the signature's bound args unless it is immutable. */
  prepend: readonly unknown[];
  /** The task that applies it (a worker advancing a chain), if any. */
  parentId?: string | null;
  /** The workflow's first task. */
  rootId?: string | null;
}

/**
 * Send a signature of any kind — task, chain, group, chord — exactly as Celery would (spec §1.4–§1.8),
 * and say where its result will be. The client uses it for `delay()`; the worker uses it to send
 * callbacks, the next chain step and chord bodies.
 */
export async function applySignature(publisher: SignaturePublisher, sig: SignatureJson, context: ApplyContext): Promise<Applied> {
  switch (kindOf(sig)) {
    case 'chain':
      return applyChain(publisher, sig, context);
    case 'group':
      return applyGroup(publisher, sig, context);
    case 'chord':
      return applyChord(publisher, sig, context);
    default:
      return applyTask(publisher, sig, context);
  }
}

async function applyChain(publisher: SignaturePublisher, sig: SignatureJson, context: ApplyContext): Promise<Applied> {
  const steps = normalizeChain(membersOf(sig));
  const [first, ...rest] = steps;
  if (!first) return { kind: 'group', id: randomUUID(), members: [] };
  const result = freeze({ ...sig, kwargs: { tasks: steps } }, publisher.replyTo);
  Object.assign(first.options, withoutId(sig.options));
  if (rest.length > 0) {
    // Only a task can carry the rest of the chain (normalizeChain folded the rest into composites).
    first.options.chain = [...rest].reverse();
  }
  await applySignature(publisher, first, context);
  return result;
}

async function applyGroup(publisher: SignaturePublisher, sig: SignatureJson, context: ApplyContext): Promise<Applied> {
  const id = ensureId(sig);
  const shared = withoutId(sig.options);
  // Nested groups flatten into this one, as in Celery.
  const members = membersOf(sig).flatMap((m) => (kindOf(m) === 'group' ? membersOf(m) : [m]));
  const results = await Promise.all(
    members.map((member, index) => {
      Object.assign(member.options, { ...shared, ...member.options });
      setOnResultProducer(member, { group_id: id, group_index: index });
      return applySignature(publisher, member, context);
    }),
  );
  return { kind: 'group', id, members: results };
}

async function applyChord(publisher: SignaturePublisher, sig: SignatureJson, context: ApplyContext): Promise<Applied> {
  const chordId = chordIdOf(sig) ?? randomUUID();
  // Nested groups in a header count member by member, as in Celery.
  const header = chordHeaderOf(sig).flatMap((m) => (kindOf(m) === 'group' ? membersOf(m) : [m]));
  const body = chordBodyOf(sig);
  const result = freeze(body, publisher.replyTo);
  if (header.length === 0) {
    await applySignature(publisher, body, { ...context, prepend: [[]] });
    return result;
  }
  await publisher.initChord(chordId, header.length);
  const shared = withoutId(sig.options);
  await Promise.all(
    header.map((member, index) => {
      Object.assign(member.options, { ...shared, ...member.options });
      setOnResultProducer(member, { chord: body, group_id: chordId, group_index: index });
      return applySignature(publisher, member, context);
    }),
  );
  return result;
}

async function applyTask(publisher: SignaturePublisher, sig: SignatureJson, context: ApplyContext): Promise<Applied> {
  const o = sig.options;
  const id = ensureId(sig);
  const eta =
    typeof o.eta === 'string' ? new Date(o.eta) : typeof o.countdown === 'number' ? new Date(Date.now() + o.countdown * 1000) : null;
  const message = createTaskMessage({
    task: sig.task,
    id,
    args: sig.immutable ? [...sig.args] : [...context.prepend, ...sig.args],
    kwargs: sig.kwargs,
    embed: {
      callbacks: listOf(o.link),
      errbacks: listOf(o.link_error),
      chain: (o.chain as SignatureJson[] | undefined) ?? null,
      chord: (o.chord as SignatureJson | undefined) ?? null,
    },
    eta,
    expires: typeof o.expires === 'string' ? new Date(o.expires) : null,
    group: (o.group_id as string | undefined) ?? null,
    groupIndex: (o.group_index as number | undefined) ?? null,
    retries: (o.retries as number | undefined) ?? 0,
    timeLimitMs: { hard: secondsToMs(o.time_limit), soft: secondsToMs(o.soft_time_limit) },
    rootId: context.rootId ?? (o.root_id as string | undefined) ?? id,
    parentId: context.parentId ?? (o.parent_id as string | undefined) ?? null,
    shadow: (o.shadow as string | undefined) ?? null,
    ignoreResult: (o.ignore_result as boolean | undefined) ?? false,
    priority: (o.priority as number | undefined) ?? 0,
    replyTo: (o.reply_to as string | undefined) ?? publisher.replyTo,
    headers: (o.headers as Record<string, unknown> | undefined) ?? {},
  });
  const options: PublishOptions = {};
  if (eta) options.delayMs = Math.max(0, eta.getTime() - Date.now());
  if (typeof o.priority === 'number') options.priority = o.priority;
  if (typeof o.ordering_key === 'string') options.orderingKey = o.ordering_key;
  await publisher.publish((o.queue as string | undefined) ?? publisher.queueFor(sig.task), message, options);
  return { kind: 'task', id };
}

/** Options a composite passes down to its members (never its own id). */
function withoutId(options: Record<string, unknown>): Record<string, unknown> {
  const { task_id: _id, ...rest } = options;
  return rest;
}

function listOf(value: unknown): SignatureJson[] | null {
  if (value === undefined || value === null) return null;
  return Array.isArray(value) ? (value as SignatureJson[]) : [value as SignatureJson];
}

function secondsToMs(value: unknown): number | null {
  return typeof value === 'number' ? value * 1000 : null;
}
