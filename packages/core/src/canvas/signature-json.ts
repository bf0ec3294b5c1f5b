import { randomUUID } from 'node:crypto';
import type { SignatureJson } from '../spec/task-message.js';
import type { Applied } from './applied.js';

/** The kind of a signature dict: a task, or one of Celery's composites. */
export function kindOf(sig: SignatureJson): 'task' | 'chain' | 'group' | 'chord' {
  switch (sig.subtask_type) {
    case 'chain':
    case 'group':
    case 'chord':
      return sig.subtask_type;
    default:
      return 'task';
  }
}

/** Members of a chain or group signature (`kwargs.tasks`). */
export function membersOf(sig: SignatureJson): SignatureJson[] {
  return (sig.kwargs.tasks as SignatureJson[] | undefined) ?? [];
}

/** A chord's header members, whether its header is a `celery.group` signature or a plain list (spec §12.2). */
export function chordHeaderOf(sig: SignatureJson): SignatureJson[] {
  const header = sig.kwargs.header as SignatureJson | SignatureJson[];
  return Array.isArray(header) ? header : membersOf(header);
}

/** A chord's body. */
export function chordBodyOf(sig: SignatureJson): SignatureJson {
  return sig.kwargs.body as SignatureJson;
}

/** A chord's id: its header group's id, else its own (Celery uses the group id for both). */
export function chordIdOf(sig: SignatureJson): string | undefined {
  const header = sig.kwargs.header as SignatureJson | SignatureJson[];
  const headerId = Array.isArray(header) ? undefined : (header.options.task_id as string | undefined);
  return headerId ?? (sig.options.task_id as string | undefined);
}

/**
 * Rewrite a chain's steps the way Celery does before sending: nested chains are flattened, a
 * group followed by more steps becomes a chord whose body is the rest, and steps after a chord
 * join its body (spec §1.5, §12.1).
 */
export function normalizeChain(steps: readonly SignatureJson[]): SignatureJson[] {
  const flat = steps.flatMap((step) => (kindOf(step) === 'chain' ? normalizeChain(membersOf(step)) : [step]));
  const out: SignatureJson[] = [];
  for (const [i, step] of flat.entries()) {
    const rest = flat.slice(i + 1);
    if (rest.length > 0 && kindOf(step) === 'group') {
      out.push(makeChord(membersOf(step), chainOf(rest), step.options));
      return out;
    }
    if (rest.length > 0 && kindOf(step) === 'chord') {
      const body = chainOf([chordBodyOf(step), ...rest]);
      out.push({ ...step, kwargs: { ...step.kwargs, body } });
      return out;
    }
    out.push(step);
  }
  return out;
}

function chainOf(steps: SignatureJson[]): SignatureJson {
  const [only, ...more] = steps;
  if (only && more.length === 0) return only;
  return { task: 'celery.chain', args: [], kwargs: { tasks: steps }, options: {}, subtask_type: 'chain', immutable: false };
}

function makeChord(header: SignatureJson[], body: SignatureJson, options: Record<string, unknown>): SignatureJson {
  return {
    task: 'celery.chord',
    args: [],
    kwargs: {
      header: {
        task: 'celery.group',
        args: [],
        kwargs: { tasks: header },
        options: { ...options },
        subtask_type: 'group',
        immutable: false,
      },
      body,
      kwargs: {},
    },
    options: {},
    subtask_type: 'chord',
    immutable: false,
  };
}

/**
 * Give every task inside `sig` an id and the caller's reply-to (in place) and say which id(s) hold
 * its result: a task's own, a chain's last step's, a group's members', a chord's body's. Freezing
 * first is what lets a caller hold an `AsyncResult` for a step that another worker will send
 * later, and lets that step's result travel back to the caller on `rpc://` (spec §10.7).
 */
export function freeze(sig: SignatureJson, replyTo: string): Applied {
  const again = (member: SignatureJson) => freeze(member, replyTo);
  switch (kindOf(sig)) {
    case 'chain': {
      const steps = normalizeChain(membersOf(sig));
      sig.kwargs.tasks = steps;
      const results = steps.map(again);
      return results.at(-1) ?? { kind: 'task', id: ensureId(sig) };
    }
    case 'group': {
      return { kind: 'group', id: ensureId(sig), members: membersOf(sig).map(again) };
    }
    case 'chord': {
      chordHeaderOf(sig).forEach(again);
      return again(chordBodyOf(sig));
    }
    default:
      sig.options.reply_to ??= replyTo;
      return { kind: 'task', id: ensureId(sig) };
  }
}

/** The signature's `task_id` option, set to a new uuid4 first when it has none. */
export function ensureId(sig: SignatureJson): string {
  if (typeof sig.options.task_id !== 'string') sig.options.task_id = randomUUID();
  return sig.options.task_id as string;
}

/** Every task id inside `sig` (frozen), to fail them all when the step before them failed. */
export function taskIdsOf(sig: SignatureJson): string[] {
  switch (kindOf(sig)) {
    case 'chain':
    case 'group':
      return membersOf(sig).flatMap(taskIdsOf);
    case 'chord':
      return [...chordHeaderOf(sig).flatMap(taskIdsOf), ...taskIdsOf(chordBodyOf(sig))];
    default:
      return typeof sig.options.task_id === 'string' ? [sig.options.task_id] : [];
  }
}

/**
 * Set `options` on the task(s) that produce `sig`'s result: the task itself, a chain's last step,
 * each member of a group (flattened by the caller), a chord's body.
 */
export function setOnResultProducer(sig: SignatureJson, options: Record<string, unknown>): void {
  switch (kindOf(sig)) {
    case 'chain': {
      const last = membersOf(sig).at(-1);
      if (last) setOnResultProducer(last, options);
      return;
    }
    case 'chord':
      setOnResultProducer(chordBodyOf(sig), options);
      return;
    default:
      Object.assign(sig.options, options);
  }
}
