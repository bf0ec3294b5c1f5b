import { hostname } from 'node:os';
import type { Embed, TaskHeaders, TaskMessage, TaskProperties } from '../spec/task-message.js';
import { formatPythonDate } from './format-python-date.js';
import { argsRepr, kwargsRepr } from './repr.js';

/** What `createTaskMessage` needs; everything but `task` and `id` has Celery's default. */
export interface TaskMessageInput {
  /** Registered task name. */
  task: string;
  /** Task id (uuid4). */
  id: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  /** Callbacks, errbacks, chain (reversed), chord; missing keys are `null`. */
  embed?: Partial<Embed>;
  /** Do not run before this time. */
  eta?: Date | null;
  /** Discard as REVOKED ("expired") after this time; also sets the broker TTL (`expiration`). */
  expires?: Date | null;
  /** Group id, for group and chord header members. */
  group?: string | null;
  groupIndex?: number | null;
  retries?: number;
  /** Time limits in milliseconds (the header carries seconds). */
  timeLimitMs?: { hard?: number | null; soft?: number | null };
  /** Workflow root; `null`/absent means this task is the root (`id`). */
  rootId?: string | null;
  parentId?: string | null;
  /** Display name for logs and events. */
  shadow?: string | null;
  ignoreResult?: boolean;
  /** 0–9, higher first. Default 0. */
  priority?: number;
  /** Reply queue / oid of the publisher; `''` when absent. */
  replyTo?: string;
  /** Custom headers, merged at the top level after the standard ones (overriding them, like Python). */
  headers?: Record<string, unknown>;
}

/** Python's `anon_nodename()`: the publisher's node name. */
const ORIGIN = `gen${process.pid}@${hostname()}`;

/**
 * Builds a protocol v2 task message exactly like Celery's `as_task_v2` (spec §1.1–§1.3): every
 * header in Python's order with `null` where unset, 5.3+ stamping headers, `lang: 'js'`, and
 * properties `correlation_id`, `reply_to`, `delivery_mode: 2`, `priority` and, with `expires`,
 * `expiration` (ms until expiry as a string, `"0"` when already past).
 *
 * @throws RangeError when `eta` or `expires` is an invalid Date.
 */
export function createTaskMessage(input: TaskMessageInput): TaskMessage {
  const args = input.args ?? [];
  const kwargs = input.kwargs ?? {};
  const headers: TaskHeaders = {
    lang: 'js',
    task: input.task,
    id: input.id,
    shadow: input.shadow ?? null,
    eta: input.eta ? formatPythonDate(input.eta, { aware: true }) : null,
    expires: input.expires ? formatPythonDate(input.expires, { aware: true }) : null,
    group: input.group ?? null,
    group_index: input.groupIndex ?? null,
    retries: input.retries ?? 0,
    timelimit: [toSeconds(input.timeLimitMs?.hard), toSeconds(input.timeLimitMs?.soft)],
    root_id: input.rootId ?? input.id,
    parent_id: input.parentId ?? null,
    argsrepr: argsRepr(args),
    kwargsrepr: kwargsRepr(kwargs),
    origin: ORIGIN,
    ignore_result: input.ignoreResult ?? false,
    replaced_task_nesting: 0,
    stamped_headers: null,
    stamps: {},
    ...input.headers,
  };
  const properties: TaskProperties = {
    correlation_id: input.id,
    reply_to: input.replyTo ?? '',
    delivery_mode: 2,
    ...(input.expires ? { expiration: String(Math.max(0, Math.trunc(input.expires.getTime() - Date.now()))) } : {}),
    priority: input.priority ?? 0,
  };
  const { callbacks = null, errbacks = null, chain = null, chord = null } = input.embed ?? {};
  const embed: Embed = { callbacks, errbacks, chain, chord };
  return { headers, properties, body: [args, kwargs, embed], contentType: 'application/json', contentEncoding: 'utf-8' };
}

function toSeconds(ms: number | null | undefined): number | null {
  return ms === null || ms === undefined ? null : ms / 1000;
}
