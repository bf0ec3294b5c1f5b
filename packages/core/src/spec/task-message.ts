/**
 * The task message: Celery protocol v2, exactly as it travels (see `celery-wire-spec.md` §1).
 *
 * Every transport carries this same message; transports differ only in how they move it
 * (a kombu JSON envelope on Redis/SQS/memory, AMQP properties and headers on RabbitMQ, a record on
 * Kafka). The body is the JSON array `[args, kwargs, embed]`.
 */

/** A JSON value as it appears in args, kwargs and results. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A signature dict ("Sig", spec §1.4): a task name plus partial arguments and call options.
 * Composite kinds use the built-in names `celery.chain`, `celery.group`, `celery.chord`,
 * `celery.map`, `celery.starmap`, `celery.chunks` with `subtask_type` set.
 */
export interface SignatureJson {
  /** Registered task name, or a `celery.*` composite name. */
  task: string;
  /** Partial positional arguments; the parent's result is prepended at run time unless `immutable`. */
  args: unknown[];
  /** Partial keyword arguments; for composites `{ tasks }` (chain/group) or `{ header, body, kwargs }` (chord). */
  kwargs: Record<string, unknown>;
  /** `applyAsync` options (spec §1.4 table): `task_id`, `reply_to`, `group_id`, `group_index`, `chord`, `link`, ... */
  options: Record<string, unknown>;
  /** `null` for a plain task; `chain`, `group`, `chord`, `xmap`, `xstarmap`, `chunks` for composites. */
  subtask_type: string | null;
  /** When true the parent's result is NOT prepended (`.si()`). Default false. */
  immutable: boolean;
}

/** The third element of the body: what runs after this task (spec §1.3, §1.5, §1.7, §1.8). */
export interface Embed {
  /** Applied with this task's result prepended on success (`link`). */
  callbacks: SignatureJson[] | null;
  /** Applied with `[taskId]` prepended on failure (`linkError`), spec §1.8. */
  errbacks: SignatureJson[] | null;
  /** Remaining chain steps in REVERSE order: the last element runs next. Empty list on the final step. */
  chain: SignatureJson[] | null;
  /** The chord body this task is a header member of; the last finished member applies it. */
  chord: SignatureJson | null;
}

/** Positional args, keyword args, embed: the decoded body array. */
export type TaskBody = [args: unknown[], kwargs: Record<string, unknown>, embed: Embed];

/**
 * Protocol v2 headers (spec §1.1). tq emits every key (with `null` where unset) like Python does;
 * custom headers passed to `applyAsync({ headers })` are merged at the top level.
 */
export interface TaskHeaders {
  /** Origin language; tq sends `"js"`. Informational only. */
  lang: string;
  /** Registered task name; the only thing a worker dispatches on. */
  task: string;
  /** Task id (uuid4); equals `properties.correlation_id`. */
  id: string;
  /** Display name for logs and events. */
  shadow: string | null;
  /** ISO-8601 time before which the task must not run; `null` to run now. */
  eta: string | null;
  /** ISO-8601 time after which the task is discarded as REVOKED ("expired"). */
  expires: string | null;
  /** Group id when this task is a member of a group or chord header. */
  group: string | null;
  /** Position inside the group; orders chord results. */
  group_index: number | null;
  /** How many times this task was retried before this attempt. */
  retries: number;
  /** `[hard, soft]` time limits in SECONDS (hard first: the code, not the docs, is authoritative). */
  timelimit: [number | null, number | null];
  /** Id of the first task of the workflow (= `id` at top level). */
  root_id: string | null;
  /** Id of the task that published this one. */
  parent_id: string | null;
  /** Display form of args (Python writes `repr`; tq writes a JSON-ish rendering). */
  argsrepr: string;
  /** Display form of kwargs. */
  kwargsrepr: string;
  /** Publisher node, `gen<pid>@<host>`. */
  origin: string;
  /** When true the worker stores no result. */
  ignore_result: boolean;
  /** Celery 5.3+ fields, emitted so tq messages look like current Celery. */
  replaced_task_nesting?: number;
  stamped_headers?: string[] | null;
  stamps?: Record<string, unknown>;
  /** MIME type of the body compression, when compressed (`application/x-gzip`). */
  compression?: string;
  /** Custom headers. */
  [custom: string]: unknown;
}

/** AMQP-style properties (spec §1.2); virtual transports add `delivery_info`, `body_encoding`, `delivery_tag`. */
export interface TaskProperties {
  /** = task id; the rpc backend correlates replies with it. */
  correlation_id: string;
  /** The publisher's reply queue / oid; `''` when none. */
  reply_to: string;
  /** 2 = persistent. */
  delivery_mode: number;
  /**
   * Priority 0–9 in tq's direction: 9 runs first, on every transport. Transports whose native order
   * is reversed (kombu Redis) map it when they store the message.
   */
  priority: number;
  /** Broker TTL in ms as a decimal string; present only when `expires` is set. */
  expiration?: string;
  [extra: string]: unknown;
}

/** A decoded task message. */
export interface TaskMessage {
  headers: TaskHeaders;
  properties: TaskProperties;
  /** `[args, kwargs, embed]`. */
  body: TaskBody;
  /** Always `application/json`: the one cross-language serializer (spec §1.10). */
  contentType: 'application/json';
  /** Always `utf-8`. */
  contentEncoding: 'utf-8';
}
