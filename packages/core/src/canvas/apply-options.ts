/** Per-call options of `applyAsync` (Celery's `apply_async` options, in milliseconds and Dates). */
export interface ApplyOptions {
  /** Run no earlier than this many ms from now. */
  countdownMs?: number;
  /** Run no earlier than this time. Wins over `countdownMs`. */
  eta?: Date;
  /** Discard (as REVOKED, reason `expired`) if not started by then: a Date, or ms from now. */
  expires?: Date | number;
  /** 0–9, higher runs first (on every transport). Needs a broker with priorities. */
  priority?: number;
  /** Queue to send to. Default: the task's queue, else the app's default queue. */
  queue?: string;
  /** Use this id instead of a new uuid4. */
  taskId?: string;
  /** Custom headers, merged into the message's top-level headers. */
  headers?: Record<string, unknown>;
  /** Hard time limit for this call, overriding the task's. */
  timeLimitMs?: number;
  /** Soft time limit for this call, overriding the task's. */
  softTimeLimitMs?: number;
  /** Same key, same order (Kafka key, SQS FIFO group). Needs `ordering: 'per-key'`. */
  orderingKey?: string;
  /** Store no result for this call. */
  ignoreResult?: boolean;
  /** Display name in logs and events. */
  shadow?: string;
}

/** Celery's option keys (spec §1.4) for the given options; the one place the mapping lives. */
export function applyOptionsToJson(options: ApplyOptions): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  if (options.eta) json.eta = options.eta.toISOString();
  else if (options.countdownMs !== undefined) json.countdown = options.countdownMs / 1000;
  if (options.expires !== undefined) {
    json.expires =
      typeof options.expires === 'number' ? new Date(Date.now() + options.expires).toISOString() : options.expires.toISOString();
  }
  if (options.priority !== undefined) json.priority = options.priority;
  if (options.queue !== undefined) json.queue = options.queue;
  if (options.taskId !== undefined) json.task_id = options.taskId;
  if (options.headers !== undefined) json.headers = options.headers;
  if (options.timeLimitMs !== undefined) json.time_limit = options.timeLimitMs / 1000;
  if (options.softTimeLimitMs !== undefined) json.soft_time_limit = options.softTimeLimitMs / 1000;
  if (options.orderingKey !== undefined) json.ordering_key = options.orderingKey;
  if (options.ignoreResult !== undefined) json.ignore_result = options.ignoreResult;
  if (options.shadow !== undefined) json.shadow = options.shadow;
  return json;
}
