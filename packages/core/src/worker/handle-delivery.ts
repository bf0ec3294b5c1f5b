import { setTimeout as sleep } from 'node:timers/promises';
import { SCHEDULE_HEADER } from '../beat/schedule-header.js';
import { TaskRevokedError } from '../errors/task-revoked-error.js';
import { TqError } from '../errors/tq-error.js';
import { UnknownTaskError } from '../errors/unknown-task-error.js';
import { WorkerLostError } from '../errors/worker-lost-error.js';
import { createResultMeta, serializeError } from '../protocol/index.js';
import { SENT_AT_HEADER } from '../runtime/runtime-broker.js';
import type { AttemptEvent, TaskOutcomeEvent } from '../runtime/runtime-hooks.js';
import type { Delivery } from '../spec/broker.js';
import { READY_STATES } from '../spec/result-backend.js';
import type { TaskMessage } from '../spec/task-message.js';
import type { PoolKind } from '../task/pool-kind.js';
import { retryDelayMs, shouldRetry } from '../task/retry-policy.js';
import type { Task } from '../task/task.js';
import { runInTaskContext } from '../task/task-context.js';
import { Backoff } from '../transport/backoff.js';
import { Attempt, type AttemptOutcome } from './attempt.js';
import { AttemptContext } from './attempt-context.js';
import { BUILTIN_TASKS } from './builtin-tasks.js';
import { finishFailure, finishRevoked, finishSuccess, storeState } from './finish-task.js';
import { PoolLease } from './pool-lease.js';
import { RateLimiter } from './rate-limiter.js';
import type { WorkerRequest } from './worker-request.js';
import type { WorkerRuntime } from './worker-runtime.js';

/** Below this an eta counts as due (timer jitter, clock skew between hosts). */
const ETA_TOLERANCE_MS = 5;
/** Manual `retry()` default cap, like Celery's `max_retries`. */
const DEFAULT_MANUAL_MAX_RETRIES = 3;
const NO_LIMITS = [null, null] as const;
/** A message given back after an unexpected error waits this long where the broker can delay: an error that repeats must not spin. */
const UNEXPECTED_RETURN_DELAY_MS = 1000;

/**
 * Everything that happens to one delivery, from "is this even a task?" to the final ack. The
 * message is settled exactly once, and only after the attempt ended (at-least-once). The consumer
 * keeps the delivery from being redelivered meanwhile (see `Broker.consume`).
 *
 * This runs for every task: the usual path (known task, no eta, no rate limit, a free slot) checks
 * synchronously and awaits only the attempt and what finishing it needs.
 */
export async function handleDelivery(rt: WorkerRuntime, delivery: Delivery): Promise<void> {
  const message = delivery.message;
  if (!message) return rejectUndecodable(rt, delivery);
  // First: nothing of a forged message is believed, not even the id a FAILURE would be stored under.
  const forged = rt.broker.signer?.refusal(message);
  if (forged) return rejectPoison(rt, delivery, forged, message);
  if (delivery.raw.byteLength > rt.maxPayloadBytes) {
    const reason = `payload of ${delivery.raw.byteLength} bytes is over this worker's limit of ${rt.maxPayloadBytes} bytes (maxPayloadBytes)`;
    await storeState(rt, delivery, message, 'FAILURE', serializeError(new Error(reason)).result, null)?.catch(() => {});
    return rejectPoison(rt, delivery, reason, message);
  }
  const h = message.headers;
  let stopped = whyNotRun(rt, message) ?? (readsRevokesFromBackend(rt) ? await revokedInBackend(rt, h.id) : undefined);
  if (stopped) return revoke(rt, delivery, message, stopped);
  // A redelivery, or a scheduler's tick that may have been sent twice: run once.
  if ((delivery.deliveryCount > 1 || h[SCHEDULE_HEADER]) && (await alreadyDone(rt, message))) return delivery.ack();
  if (delivery.deliveryCount > (rt.host.getTask(h.task)?.options.maxDeliveries ?? rt.maxDeliveries))
    return rejectLost(rt, delivery, message);
  let waited = false;
  if (h.eta) {
    const due = Date.parse(h.eta) - Date.now();
    if (due > ETA_TOLERANCE_MS) {
      if ((await waitUntilDue(rt, delivery, due)) === 'rescheduled') return;
      waited = true;
    }
  }

  const task = rt.host.getTask(h.task);
  let call: () => unknown;
  try {
    call = callOf(rt, message, task);
  } catch (error) {
    // Unknown task, wrong arguments: store FAILURE so callers do not wait, and keep the message.
    const { result, traceback } = serializeError(error);
    await storeState(rt, delivery, message, 'FAILURE', result, traceback)?.catch(() => {});
    return rejectPoison(rt, delivery, (error as Error).message, message);
  }

  emit(rt, 'task-received', delivery, message, {
    args: message.body[0],
    kwargs: message.body[1],
    argsRepr: h.argsrepr,
    kwargsRepr: h.kwargsrepr,
    rootId: h.root_id,
    parentId: h.parent_id,
    retries: h.retries,
    eta: h.eta,
    expires: h.expires,
  });
  track(rt, delivery, 'reserved');
  const limiter = rateLimiterOf(rt, h.task, task);
  if (limiter) {
    const waitMs = limiter.reserve();
    // A slow rate ('1/h') must not hold close() up: the task goes back instead.
    if (!(await pause(waitMs, rt.closing))) return delivery.nack({ requeue: true });
    waited ||= waitMs > 0;
  }
  // Built-in tasks (celery.map, ...) and tasks of other processes run here; a task's own `pool` wins.
  const kind = task ? (task.options.pool ?? rt.pool) : 'inline';
  const slots = kind === 'inline' ? rt.slots : rt.poolSlots;
  if (!slots.tryAcquire()) {
    try {
      await slots.acquire();
    } catch {
      // Shutting down before it started: give it back untouched.
      return delivery.nack({ requeue: true });
    }
    waited = true;
  }
  let holdsSlot = true;
  const releaseSlot = () => {
    if (holdsSlot) slots.release();
    holdsSlot = false;
  };
  try {
    // Asked again now that it can start: close(), a revoke or its expiry may have come meanwhile.
    if (rt.closing.aborted) return await delivery.nack({ requeue: true });
    stopped = whyNotRun(rt, message) ?? (waited && readsRevokesFromBackend(rt) ? await revokedInBackend(rt, h.id) : undefined);
    if (stopped) return await revoke(rt, delivery, message, stopped);
    await run(rt, delivery, message, call, task, kind, releaseSlot);
  } finally {
    releaseSlot();
  }
}

/** The task's rate limiter here: made from its `rateLimit` on first use (null: none), or set by the `rate_limit` command. */
function rateLimiterOf(rt: WorkerRuntime, name: string, task: Task<unknown[], unknown> | undefined): RateLimiter | null {
  let limiter = rt.rateLimiters.get(name);
  if (limiter === undefined) {
    const limit = task?.options.rateLimit;
    limiter = limit ? new RateLimiter(limit) : null;
    rt.rateLimiters.set(name, limiter);
  }
  return limiter;
}

/** Record what this worker holds for remote control (`inspect active|reserved|scheduled`); the worker forgets it once settled. */
function track(rt: WorkerRuntime, delivery: Delivery, state: WorkerRequest['state']): WorkerRequest {
  let request = rt.requests.get(delivery);
  if (!request) {
    const message = delivery.message as TaskMessage;
    request = { message, queue: delivery.queue, redelivered: delivery.deliveryCount > 1, state, timeStart: null };
    rt.requests.set(delivery, request);
  }
  request.state = state;
  return request;
}

/** The task's call with its arguments bound; throws for an unknown task or arguments that do not fit. */
function callOf(rt: WorkerRuntime, message: TaskMessage, task: Task<unknown[], unknown> | undefined): () => unknown {
  const [args, kwargs] = message.body;
  const name = message.headers.task;
  const builtin = BUILTIN_TASKS[name];
  if (builtin) return () => builtin(rt.host, kwargs);
  if (!task) throw new UnknownTaskError(name);
  const bound = task.parameters.bind(name, args, kwargs);
  return () => task.fn(...bound);
}

async function run(
  rt: WorkerRuntime,
  delivery: Delivery,
  message: TaskMessage,
  call: () => unknown,
  task: Task<unknown[], unknown> | undefined,
  kind: PoolKind,
  /** Frees this task's concurrency slot (once; later calls do nothing). */
  releaseSlot: () => void,
): Promise<void> {
  const h = message.headers;
  const lease = kind === 'inline' ? undefined : await PoolLease.take(rt, kind);
  if (lease) {
    // Closing began while it waited for a child: give it back untouched.
    if (rt.closing.aborted) {
      lease.release();
      return delivery.nack({ requeue: true });
    }
    // Revoked or expired while it waited.
    const stopped = whyNotRun(rt, message);
    if (stopped) {
      lease.release();
      return revoke(rt, delivery, message, stopped);
    }
  }
  const attempt = new Attempt(h.task, kind !== 'inline');
  rt.running.set(h.id, attempt);
  const started = Date.now();
  track(rt, delivery, 'active').timeStart = started / 1000;
  rt.totals.set(h.task, (rt.totals.get(h.task) ?? 0) + 1);
  emit(rt, 'task-started', delivery, message, {});
  const hooked = rt.host.hooks.listenerCount('attempt') > 0;
  if (hooked) attemptEvent(rt, message, delivery.queue, { phase: 'start', waitMs: queueWaitMs(message, started) });
  let outcome: AttemptOutcome;
  try {
    if (rt.trackStarted) await storeState(rt, delivery, message, 'STARTED', { pid: process.pid, hostname: rt.hostname });
    const context = new AttemptContext(rt, message, attempt, delivery.queue);
    const [hard, soft] = h.timelimit ?? NO_LIMITS;
    // The message's own limits win, then this worker's (`time_limit` command), then the task's, then the worker's default.
    const set = rt.timeLimits.get(h.task);
    const limits = {
      hardMs: hard !== null ? hard * 1000 : set ? set.hardMs : (task?.options.timeLimitMs ?? rt.defaultTimeLimits.hardMs),
      softMs: soft !== null ? soft * 1000 : set ? set.softMs : (task?.options.softTimeLimitMs ?? rt.defaultTimeLimits.softMs),
    };
    outcome =
      lease && task
        ? await lease.run(attempt, context, message, task, limits)
        : await attempt.run(() => runInTaskContext(context, call), limits);
  } finally {
    rt.running.delete(h.id);
  }
  // A pooled task's slot is its child, which is free again: the next task goes to it now rather than
  // after this one's result is stored and acked (main-thread work the child would idle through).
  if (lease) releaseSlot();
  const runtimeMs = Date.now() - started;
  rt.host.tracing.attemptEnded(outcome.kind, errorOf(outcome));
  if (hooked)
    attemptEvent(rt, message, delivery.queue, { phase: 'stop', outcome: outcome.kind, durationMs: runtimeMs, error: errorOf(outcome) });
  switch (outcome.kind) {
    case 'shutdown':
      return delivery.nack({ requeue: true });
    case 'terminated':
      return revoke(rt, delivery, message, 'terminated');
    case 'success':
      try {
        // Most tasks have nothing to store or send: no promise then.
        const finishing = finishSuccess(rt, delivery, message, outcome.value);
        if (finishing) await finishing;
      } catch (error) {
        const value = outcome.value;
        const stored = isPermanent(error)
          ? error
          : await persist(rt, message, 'store its result', () => finishSuccess(rt, delivery, message, value));
        // What follows can never be sent (a chord without atomic counters, a next step over the
        // size limit): fail the task, so its chain fails too and no caller waits forever.
        if (stored !== undefined && isPermanent(stored)) return fail(rt, delivery, message, stored, runtimeMs);
        // Unreachable backend or broker: the task ran, but nothing may say it failed. It runs again.
        if (stored !== undefined) return giveBack(rt, delivery, message, stored);
      }
      emit(rt, 'task-succeeded', delivery, message, { result: outcome.value, runtimeMs });
      return delivery.ack();
    case 'retry': {
      const { countdownMs, error, max } = outcome.request;
      if (h.retries < (max ?? DEFAULT_MANUAL_MAX_RETRIES)) return retry(rt, delivery, message, error, countdownMs ?? 0);
      return fail(rt, delivery, message, error ?? outcome.request, runtimeMs);
    }
    case 'failure': {
      // Celery's task_reject_on_worker_lost: the child died, the message runs again.
      if (outcome.error instanceof WorkerLostError && task?.options.rejectOnWorkerLost) {
        rt.logger.warn({ taskId: h.id, task: h.task, err: outcome.error }, 'pool child lost; returning the message (rejectOnWorkerLost)');
        return delivery.nack({ requeue: true });
      }
      const policy = task?.options.retry;
      if (policy && shouldRetry(policy, outcome.error, h.retries)) {
        return retry(rt, delivery, message, outcome.error, retryDelayMs(policy, h.retries));
      }
      return fail(rt, delivery, message, outcome.error, runtimeMs);
    }
  }
}

async function fail(rt: WorkerRuntime, delivery: Delivery, message: TaskMessage, error: unknown, runtimeMs: number) {
  const unstored = await persist(rt, message, 'store its failure', () => finishFailure(rt, delivery, message, error));
  if (unstored !== undefined && !isPermanent(unstored)) return giveBack(rt, delivery, message, unstored);
  if (unstored !== undefined) rt.logger.error({ taskId: message.headers.id, err: unstored }, 'could not record the failure completely');
  const asError = error instanceof Error ? error : new Error(String(error));
  rt.logger.warn({ taskId: message.headers.id, task: message.headers.task, err: asError }, 'task failed');
  emit(rt, 'task-failed', delivery, message, { error: asError, runtimeMs });
  return delivery.ack();
}

/** Store RETRY, send the same task again (same id, retries + 1, new eta), then ack (spec §1.9). */
async function retry(rt: WorkerRuntime, delivery: Delivery, message: TaskMessage, error: unknown, delayMs: number) {
  const h = message.headers;
  const again: TaskMessage = structuredClone(message);
  again.headers.retries = h.retries + 1;
  again.headers.eta = delayMs > 0 ? new Date(Date.now() + delayMs).toISOString().replace('Z', '+00:00') : null;
  again.headers.parent_id = h.id;
  // RETRY first: once the next attempt is published it may run and end at once, and this write must
  // not land after its outcome. Informational, so a failed write does not stop the retry.
  const { result, traceback } = error === undefined ? { result: null, traceback: null } : serializeError(error);
  await storeState(rt, delivery, message, 'RETRY', result, traceback)?.catch((e: unknown) =>
    rt.logger.warn({ taskId: h.id, err: e }, 'could not store the RETRY state'),
  );
  // Without broker delays (SQS FIFO) the eta header alone makes the receiving worker hold it.
  const canDelay = rt.broker.capabilities.delay !== false;
  const unsent = await persist(rt, message, 'send its retry', () =>
    rt.host.publish(delivery.queue, again, delayMs > 0 && canDelay ? { delayMs } : {}),
  );
  if (unsent !== undefined) return isPermanent(unsent) ? fail(rt, delivery, message, unsent, 0) : giveBack(rt, delivery, message, unsent);
  emit(rt, 'task-retried', delivery, message, { error, retries: h.retries + 1, delayMs });
  return delivery.ack();
}

async function revoke(rt: WorkerRuntime, delivery: Delivery, message: TaskMessage, reason: 'revoked' | 'expired' | 'terminated') {
  const unstored = await persist(rt, message, 'store its revocation', () =>
    finishRevoked(rt, delivery, message, new TaskRevokedError(reason)),
  );
  if (unstored !== undefined && !isPermanent(unstored)) return giveBack(rt, delivery, message, unstored);
  emit(rt, 'task-revoked', delivery, message, { reason });
  return delivery.ack();
}

/**
 * A message for the dead-letter place: the worker stays up, the reason is logged and kept with the
 * message. Without a dead-letter capability the message is dropped — loudly.
 */
async function rejectPoison(rt: WorkerRuntime, delivery: Delivery, reason: string, message?: TaskMessage): Promise<void> {
  const id = message?.headers.id ?? null;
  const name = message?.headers.task ?? null;
  rt.logger.error({ queue: delivery.queue, taskId: id, task: name, reason }, `rejected message: ${reason}`);
  rt.events.emit('task-rejected', { queue: delivery.queue, reason, id, name, timestamp: Date.now() });
  if (rt.host.hooks.listenerCount('task') > 0)
    rt.host.hooks.emit('task', { state: 'rejected', taskId: id, task: name, queue: delivery.queue, worker: rt.hostname });
  if (rt.broker.capabilities.deadLetter) return delivery.deadLetter(reason);
  rt.logger.error({ queue: delivery.queue }, 'this broker has no dead-letter place; the rejected message is dropped');
  return delivery.ack();
}

/**
 * Run `write` (store an outcome, send what follows), retrying failures that retrying can fix — an
 * unreachable backend or broker — with backoff for up to `rt.storeRetryMs`. Resolves with
 * `undefined` once written, or with the last error (permanent at once, transient once time is up
 * or the worker is closing).
 */
async function persist(rt: WorkerRuntime, message: TaskMessage, what: string, write: () => Promise<void> | undefined): Promise<unknown> {
  const backoff = new Backoff(100, 5000);
  const deadline = Date.now() + rt.storeRetryMs;
  for (;;) {
    try {
      await write();
      return undefined;
    } catch (error) {
      if (isPermanent(error) || Date.now() >= deadline || rt.closing.aborted) return error;
      const retryInMs = backoff.next();
      rt.logger.warn({ taskId: message.headers.id, task: message.headers.task, err: error, retryInMs }, `could not ${what}; retrying`);
      await pause(retryInMs, rt.closing);
    }
  }
}

/**
 * Errors retrying cannot fix: tq's own refusals (too big, unsupported, misconfigured) and
 * programming errors such as a result JSON cannot hold. Everything else (driver errors, lost
 * connections) is taken as transient.
 */
function isPermanent(error: unknown): boolean {
  if (TqError.is(error)) return error.code !== 'TQ_BROKER_CONNECTION';
  return error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError;
}

/**
 * The task's outcome could not be stored or sent: never report it wrongly, give the message back
 * so the task runs again (at-least-once), and say so loudly.
 */
async function giveBack(rt: WorkerRuntime, delivery: Delivery, message: TaskMessage, error: unknown): Promise<void> {
  rt.logger.error(
    { taskId: message.headers.id, task: message.headers.task, err: error },
    `the outcome of task ${message.headers.task} could not be stored or sent within ${rt.storeRetryMs} ms; returning the message so it runs again`,
  );
  await delivery
    .nack({ requeue: true })
    .catch((e: unknown) =>
      rt.logger.error(
        { taskId: message.headers.id, err: e },
        'could not return the message either; it comes back after its visibility timeout',
      ),
    );
}

/**
 * An error escaped the handling of a delivery nothing settled yet (a backend read failing before
 * the task ran, a listener throwing): settle it now rather than leave it held. An error retrying
 * cannot fix dead-letters it with the reason; anything else gives it back to run again (ADR 18).
 */
export async function settleAfterUnexpectedError(rt: WorkerRuntime, delivery: Delivery, error: unknown): Promise<void> {
  const message = delivery.message;
  if (isPermanent(error)) return rejectPoison(rt, delivery, `unexpected error while handling it: ${(error as Error).message}`, message);
  rt.logger.error(
    { taskId: message?.headers.id, task: message?.headers.task, err: error },
    'unexpected error while handling a delivery; returning the message so it runs again',
  );
  const delayMs = rt.broker.capabilities.delay ? UNEXPECTED_RETURN_DELAY_MS : 0;
  await delivery.nack({ requeue: true, delayMs });
}

/**
 * A redelivered task whose final state is already stored ran to the end before (its worker died
 * before the ack, or the ack was lost): it does not run again (Celery's
 * `worker_deduplicate_successful_tasks`, for every final state). Only for redeliveries, so the
 * usual path reads nothing; not for chord members, whose part may not have been counted yet.
 */
async function alreadyDone(rt: WorkerRuntime, message: TaskMessage): Promise<boolean> {
  if (!rt.backend || message.body[2].chord) return false;
  const meta = await rt.backend.get(message.headers.id).catch(() => undefined);
  if (!meta || !READY_STATES.has(meta.status)) return false;
  rt.logger.info(
    { taskId: message.headers.id, task: message.headers.task, state: meta.status },
    'redelivered task already finished; not run again',
  );
  return true;
}

/**
 * Every earlier delivery ended with its worker lost (a crash, or an event loop blocked past the
 * visibility timeout) more often than `maxDeliveries` allows: stop re-running it. FAILURE is stored
 * so callers stop waiting, and the message is dead-lettered with the reason.
 */
async function rejectLost(rt: WorkerRuntime, delivery: Delivery, message: TaskMessage): Promise<void> {
  const reason = `delivered ${delivery.deliveryCount - 1} times without finishing (worker lost each time)`;
  await storeState(rt, delivery, message, 'FAILURE', serializeError(new Error(reason)).result, null)?.catch(() => {});
  return rejectPoison(rt, delivery, reason, message);
}

/** `revoked` (known here) or `expired` when the task must not run; asked on receipt and again at its start. */
function whyNotRun(rt: WorkerRuntime, message: TaskMessage): 'revoked' | 'expired' | undefined {
  const h = message.headers;
  if (rt.revoked.has(h.id)) return 'revoked';
  if (h.expires && Date.parse(h.expires) <= Date.now()) return 'expired';
  return undefined;
}

/** Without a broadcast channel, revokes reach workers through the result backend (one read per task). */
function readsRevokesFromBackend(rt: WorkerRuntime): boolean {
  return !rt.broker.capabilities.broadcast && rt.backend !== undefined;
}

async function revokedInBackend(rt: WorkerRuntime, id: string): Promise<'revoked' | undefined> {
  return (await rt.backend?.get(id))?.status === 'REVOKED' ? 'revoked' : undefined;
}

/** Dead-letter bytes that are not a task; when they still name a task id, fail that id so nobody waits on it. */
async function rejectUndecodable(rt: WorkerRuntime, delivery: Delivery): Promise<void> {
  const error = delivery.decodeError;
  const taskId = error?.taskId;
  // Where messages must be signed, an undecodable one is unverifiable: its id is not trusted.
  if (taskId && rt.backend && !rt.broker.signer?.require) {
    const { result, traceback } = serializeError(error);
    const meta = createResultMeta({
      taskId,
      status: 'FAILURE',
      result,
      traceback,
      extended: rt.host.resultExtended,
      name: error.taskName ?? null,
      worker: rt.hostname,
      queue: delivery.queue,
    });
    await rt.backend.set(taskId, meta, { ttlMs: rt.host.resultExpiresMs }).catch(() => {});
  }
  return rejectPoison(rt, delivery, error?.message ?? 'undecodable message');
}

/**
 * An early message (a Python producer's eta, or a delay longer than the broker's maximum): give it
 * back with the remaining delay where the broker can delay, else hold it here like Celery does.
 */
async function waitUntilDue(rt: WorkerRuntime, delivery: Delivery, dueInMs: number): Promise<'rescheduled' | 'due'> {
  const delay = rt.broker.capabilities.delay;
  if (delay) {
    await delivery.nack({ requeue: true, delayMs: Math.min(dueInMs, delay.maxDelayMs) });
    return 'rescheduled';
  }
  track(rt, delivery, 'scheduled');
  if (await pause(dueInMs, rt.closing)) return 'due';
  // close() began: give it back for another worker to hold, rather than hold close() up.
  await delivery.nack({ requeue: true });
  return 'rescheduled';
}

/** Wait `ms`; false when `signal` fired first. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  return sleep(ms, true, { signal }).catch(() => false);
}

/** Outcome hook states by the worker event that reports them (`task-started` is the attempt hook's). */
const OUTCOME_OF = {
  'task-received': 'received',
  'task-succeeded': 'succeeded',
  'task-failed': 'failed',
  'task-retried': 'retried',
  'task-revoked': 'revoked',
} as const satisfies Record<string, TaskOutcomeEvent['state']>;

function emit<E extends 'task-received' | 'task-started' | 'task-succeeded' | 'task-failed' | 'task-retried' | 'task-revoked'>(
  rt: WorkerRuntime,
  event: E,
  delivery: Delivery,
  message: TaskMessage,
  extra: Record<string, unknown>,
): void {
  const state: TaskOutcomeEvent['state'] | undefined = OUTCOME_OF[event as keyof typeof OUTCOME_OF];
  if (state && rt.host.hooks.listenerCount('task') > 0) {
    const h = message.headers;
    rt.host.hooks.emit('task', { state, taskId: h.id, task: h.task, queue: delivery.queue, worker: rt.hostname, error: extra.error });
  }
  // Building payloads nobody listens to shows up in profiles at thousands of tasks a second.
  if (rt.events.listenerCount(event) === 0) return;
  const base = { id: message.headers.id, name: message.headers.task, hostname: rt.hostname, timestamp: Date.now() };
  // biome-ignore lint/suspicious/noExplicitAny: each event's extra fields are checked at the call sites above
  (rt.events.emit as any)(event, { ...base, ...extra });
}

/** An `attempt` hook event (only built when somebody listens). */
function attemptEvent(
  rt: WorkerRuntime,
  message: TaskMessage,
  queue: string,
  extra: Pick<AttemptEvent, 'phase' | 'outcome' | 'durationMs' | 'error' | 'waitMs'>,
): void {
  const h = message.headers;
  rt.host.hooks.emit('attempt', { taskId: h.id, task: h.task, queue, worker: rt.hostname, retries: h.retries, ...extra });
}

/** Publish (or eta, when later) to `startedAt`, from the sender's stamp; undefined without one. */
function queueWaitMs(message: TaskMessage, startedAt: number): number | undefined {
  const sentAt = message.headers[SENT_AT_HEADER];
  if (typeof sentAt !== 'number') return undefined;
  const eta = message.headers.eta ? Date.parse(message.headers.eta) : Number.NaN;
  return Math.max(0, startedAt - (Number.isNaN(eta) ? sentAt : Math.max(eta, sentAt)));
}

function errorOf(outcome: AttemptOutcome): unknown {
  if (outcome.kind === 'failure') return outcome.error;
  if (outcome.kind === 'retry') return outcome.request.error;
  return undefined;
}
