import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { Beat } from '../beat/beat.js';
import type { BeatOptions } from '../beat/beat-options.js';
import { scheduleEntryOf } from '../beat/schedule-entry-of.js';
import type { Applied } from '../canvas/applied.js';
import { applySignature, type SignaturePublisher } from '../canvas/apply-signature.js';
import type { CanvasApplier } from '../canvas/canvas-applier.js';
import { Signature } from '../canvas/signature.js';
import { Control } from '../control/control.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { TaskRevokedError } from '../errors/task-revoked-error.js';
import { UnsupportedCapabilityError } from '../errors/unsupported-capability-error.js';
import { Events } from '../events/events.js';
import { LamportClock } from '../events/lamport-clock.js';
import { TaskSentPublisher } from '../events/task-sent-publisher.js';
import { WorkerEventPublisher } from '../events/worker-event-publisher.js';
import { createResultMeta, serializeError } from '../protocol/index.js';
import { AsyncResult } from '../result/async-result.js';
import { GroupResult } from '../result/group-result.js';
import type { ResultSource } from '../result/result-source.js';
import { defaultLogger } from '../runtime/default-logger.js';
import { ForwardedBroker } from '../runtime/forwarded-broker.js';
import { ForwardedResultBackend } from '../runtime/forwarded-result-backend.js';
import { RuntimeBackend } from '../runtime/runtime-backend.js';
import { DEFAULT_PUBLISH_TIMEOUT_MS, RuntimeBroker } from '../runtime/runtime-broker.js';
import { RuntimeHooks } from '../runtime/runtime-hooks.js';
import { MessageSigner } from '../signing/message-signer.js';
import type { SigningConfig } from '../signing/signing-config.js';
import type { Broker, PublishOptions } from '../spec/broker.js';
import type { EventChannel } from '../spec/control-channel.js';
import type { ResultBackend } from '../spec/result-backend.js';
import type { ScheduleOptions } from '../spec/schedule-options.js';
import type { ScheduleStore } from '../spec/schedule-store.js';
import type { ScheduleTiming } from '../spec/schedule-timing.js';
import type { SignatureJson, TaskMessage } from '../spec/task-message.js';
import { callingModule } from '../task/calling-module.js';
import { rememberTask } from '../task/defined-tasks.js';
import { checkPoolKind } from '../task/pool-kind.js';
import { Task, type TaskFunction } from '../task/task.js';
import { maybeCurrentTask } from '../task/task-context.js';
import type { TaskOptions } from '../task/task-options.js';
import type { TaskRegistry } from '../task/task-registry.js';
import type { TaskResult, WireChecked } from '../task/wire-safe.js';
import { Tracing } from '../tracing/tracing.js';
import type { TracingConfig } from '../tracing/tracing-config.js';
import { maskCredentials } from '../transport/mask-credentials.js';
import { positiveNumber } from '../transport/positive-number.js';
import { Worker } from '../worker/worker.js';
import type { WorkerHost } from '../worker/worker-host.js';
import type { WorkerMonitor, WorkerMonitorOptions, WorkerMonitorSource } from '../worker/worker-monitor.js';
import type { WorkerOptions } from '../worker/worker-options.js';
import { resolveBroker, resolveResultBackend } from './resolve-transport.js';
import { sendOnce } from './send-once.js';

/** How an app reaches its broker and backend. */
export interface AppConfig {
  /** Broker URL (`memory://`, `redis://...`) or a Broker object. Required. */
  broker: string | Broker;
  /** Result backend URL or object. Default: none, so `get()` fails clearly instead of hanging. */
  backend?: string | ResultBackend;
  /** Queue of tasks that name none. Default `celery`, so Python Celery workers see the same queue. */
  defaultQueue?: string;
  /** How long results are kept. Default 1 day (Celery's `result_expires`). */
  resultExpiresMs?: number;
  /**
   * Store the task's name, arguments (args and kwargs), worker, retries and queue in its result record
   * (Celery's `result_extended`), for dashboards and `AsyncResult.meta()` readers that look tasks up by
   * what they were called with. Default false, as in Celery: arguments often hold personal data (e-mail
   * addresses, tokens) that would otherwise sit in the result backend for `resultExpiresMs`; monitors
   * still see arguments in task events (`-E`), which are not stored.
   */
  resultExtended?: boolean;
  /** A pino logger. Default: pino to stderr at `TQ_LOG_LEVEL` (default `info`). */
  logger?: Logger;
  /**
   * How long a send waits for the broker to confirm it before failing with `BrokerConnectionError`
   * naming the broker. Default 30 s: longer than a broker restart on a loaded machine (RabbitMQ
   * took over 10 s) and than the transports' own waits for a reconnect (AMQP's `publishTimeoutMs`).
   */
  publishTimeoutMs?: number;
  /**
   * Sign every message sent and run only messages that verify (HMAC-SHA256 or Ed25519, key ids
   * for rotation); see {@link SigningConfig}. Default: off, as in Celery, whose Python workers
   * cannot check tq's signatures.
   */
  signing?: SigningConfig;
  /**
   * Publish a `task-sent` event for every task sent, where the broker carries events (Celery's
   * `task_send_sent_event`), so monitors see tasks before a worker receives them. Default false,
   * as in Celery: one more broker message per task.
   */
  taskSentEvents?: boolean;
  /**
   * OpenTelemetry spans for sends (`send <queue>`) and task processing (`process <queue>`), with the
   * trace context in the message headers; see {@link TracingConfig}. Default `{}`: on, through the
   * globally registered SDK, so an app that registers one is traced like any natively instrumented
   * library; while none is registered nothing is done and messages carry no trace headers.
   * `false`: off, not even that check.
   */
  tracing?: TracingConfig | false;
}

/** Events an app emits in-process as it sends. */
export interface AppEvents {
  'task-sent': [{ id: string; name: string; queue: string; eta: string | null }];
}

/**
 * `app.events`: the broker's event stream ({@link Events.subscribe}: every worker's and client's
 * Celery events), and, as before, this app's own in-process `task-sent` notifications
 * (`on`/`off`), which need no broker support and see only what this app sends.
 */
export class AppEventStream extends Events {
  private readonly local = new EventEmitter<AppEvents>();

  /** Listen to this app's own sends. */
  on<K extends keyof AppEvents>(event: K, listener: (...args: AppEvents[K]) => void): this {
    this.local.on(event, listener as never);
    return this;
  }

  /** Stop listening. */
  off<K extends keyof AppEvents>(event: K, listener: (...args: AppEvents[K]) => void): this {
    this.local.off(event, listener as never);
    return this;
  }

  /** How many listen to `event` (the app builds a payload only when somebody does). */
  listenerCount<K extends keyof AppEvents>(event: K): number {
    return this.local.listenerCount(event);
  }

  /** Notify this app's listeners (the app calls it as it sends). */
  emit<K extends keyof AppEvents>(event: K, ...args: AppEvents[K]): boolean {
    return this.local.emit(event, ...(args as never));
  }
}

/**
 * The entry point: defines tasks, sends them, reads results, and makes workers.
 * Nothing connects until first use (or `connect()`).
 *
 * Besides its own API, App is the {@link WorkerHost} its workers run on (which includes
 * `SignaturePublisher`: `publish`, `queueFor`, `initChord`, `replyTo`) and the `ResultSource` of its
 * result handles; those members are public because those interfaces are. How tasks and canvas
 * nodes send themselves (`CanvasApplier`) is kept off App's public type.
 */
export class App implements ResultSource, SignaturePublisher, TaskRegistry, WorkerHost {
  readonly logger: Logger;
  readonly defaultQueue: string;
  readonly resultExpiresMs: number;
  /** See `AppConfig.resultExtended`. */
  readonly resultExtended: boolean;
  /** See `AppConfig.publishTimeoutMs`. */
  readonly publishTimeoutMs: number;
  /** Signs what this app sends and checks what its workers receive (`AppConfig.signing`); undefined when off. */
  readonly signer: MessageSigner | undefined;
  /**
   * The broker's event stream, `app.events.subscribe(handler)`: every worker's and client's Celery
   * events, as Flower sees them (needs `capabilities.events`); and this app's own `task-sent`
   * notifications in-process, `app.events.on('task-sent', ...)`.
   */
  readonly events: AppEventStream;
  /** Instrumentation: start/stop/error of every broker and backend operation and task attempt. */
  readonly hooks = new RuntimeHooks();
  /** OpenTelemetry spans of this app's sends and its workers' processing (`AppConfig.tracing`). */
  readonly tracing: Tracing;
  /** This process's reply-to id (Celery's oid); the rpc:// backend replies to it. */
  readonly replyTo = randomUUID();
  /** The logical clock of this process's remote control and events (Celery's `app.clock`), shared with its workers. */
  readonly clock = new LamportClock();
  /**
   * Remote control of running workers, tq's and Python Celery's alike (Celery's `app.control`):
   * `await app.control.ping()`, `request('stats')`, `cast('rate_limit', {...})`. Needs a broker
   * with `capabilities.broadcast`.
   */
  readonly control: Control;
  /** Publishes `task-sent` events when `AppConfig.taskSentEvents` is on. */
  private readonly sentEvents: TaskSentPublisher | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: tasks of every signature live here
  private readonly tasks = new Map<string, Task<any, any>>();
  /** Tasks declared with {@link remoteTask}: called from here, run elsewhere. */
  // biome-ignore lint/suspicious/noExplicitAny: as `tasks`
  private readonly remoteTasks = new Map<string, Task<any, any>>();
  /** What this app's tasks and canvas nodes send through: any signature, answered with the handle its shape calls for. */
  private readonly applier: CanvasApplier = {
    applyNode: async (signature, prepend, call) => {
      // Sent from inside a running task: it is that task's child, as in Celery (root_id, parent_id; Flower's task tree).
      const sender = maybeCurrentTask();
      const send = () => applySignature(this, signature, { prepend, parentId: sender?.id, rootId: sender?.rootId });
      return call?.deduplicate ? this.asyncResult(await sendOnce(this, signature, send)) : this.handleOf(await send());
    },
  };
  /** Made on first use, so an app that never sends connects to nothing (and closes instantly). */
  private brokerRuntime: Promise<RuntimeBroker> | undefined;
  /** The broker once connected (with the backend); reset when connecting failed, so it is retried. */
  private connectedBroker: Promise<RuntimeBroker> | undefined;
  private backendRuntime: Promise<RuntimeBackend> | undefined;
  /** Schedules declared with `schedule()`, in declaration order. */
  private readonly schedules = new Map<string, { timing: ScheduleTiming; signature: SignatureJson; options: ScheduleOptions }>();
  private closed = false;

  constructor(private readonly config: AppConfig) {
    if (!config.broker) throw new ConfigurationError("createApp needs a broker, e.g. createApp({ broker: 'memory://' }).");
    this.logger = config.logger ?? defaultLogger();
    this.defaultQueue = config.defaultQueue ?? 'celery';
    this.resultExpiresMs = config.resultExpiresMs ?? 86_400_000;
    this.resultExtended = config.resultExtended ?? false;
    this.publishTimeoutMs = positiveNumber('createApp', 'publishTimeoutMs', config.publishTimeoutMs, DEFAULT_PUBLISH_TIMEOUT_MS);
    this.signer = config.signing ? new MessageSigner(config.signing) : undefined;
    this.tracing = new Tracing(config.tracing);
    const planes = { broker: () => this.broker(), clock: this.clock, logger: this.logger };
    this.control = new Control(planes);
    this.events = new AppEventStream(planes);
    this.sentEvents = config.taskSentEvents ? new TaskSentPublisher(this.clock, this.logger) : undefined;
  }

  /**
   * Define a task. Its argument and result types come from `fn`, and must be what the wire carries
   * ({@link WireSafe}: JSON's values, Date, Uint8Array, arrays and plain-data objects), so a task
   * taking a Map, or returning one, does not compile. A task that returns nothing gives null.
   */
  task<A extends unknown[], R>(name: string, fn: TaskFunction<A, R> & WireChecked<A, R>): Task<A, TaskResult<Awaited<R>>>;
  task<A extends unknown[], R>(
    name: string,
    options: TaskOptions,
    fn: TaskFunction<A, R> & WireChecked<A, R>,
  ): Task<A, TaskResult<Awaited<R>>>;
  task<A extends unknown[], R>(
    name: string,
    optionsOrFn: TaskOptions | TaskFunction<A, R>,
    maybeFn?: TaskFunction<A, R>,
  ): Task<A, TaskResult<Awaited<R>>> {
    const [options, fn] = typeof optionsOrFn === 'function' ? [{}, optionsOrFn] : [optionsOrFn, maybeFn];
    if (typeof fn !== 'function') throw new ConfigurationError(`app.task('${name}', ...) needs a function.`);
    this.checkNewName(name);
    checkPoolKind(`app.task('${name}')`, options.pool);
    // Where a pool child finds it: the module that called us, unless the task says otherwise.
    const module = options.module === undefined ? callingModule(this.task) : String(options.module);
    const task = new Task<A, TaskResult<Awaited<R>>>(
      this.applier,
      name,
      { ...options, module },
      fn as TaskFunction<A, TaskResult<Awaited<R>>>,
    );
    this.tasks.set(name, task);
    rememberTask(task);
    return task;
  }

  /**
   * Declare a task that runs elsewhere — on Python Celery workers, or on tq workers of another
   * service — to call it with checked types: `delay`, `applyAsync`, `s`, `si` and canvases work as
   * for {@link task}, e.g. `app.remoteTask<[x: number, y: number], number>('py.add', { queue: 'python' })`.
   * There is no function here, so this app's workers never run it (a message for it that reaches
   * them is rejected as an unknown task): route it with `options.queue` to a queue its own workers
   * consume. Its arguments are not checked against parameters on this side; the worker that runs it does.
   */
  remoteTask<A extends unknown[], R>(
    name: string,
    options: TaskOptions & WireChecked<A, R> = {} as TaskOptions & WireChecked<A, R>,
  ): Task<A, R> {
    this.checkNewName(name);
    const runsElsewhere = (..._args: unknown[]): never => {
      throw new ConfigurationError(`'${name}' is a remote task (app.remoteTask): its own workers run it, not this app.`);
    };
    const task = new Task<A, R>(this.applier, name, options, runsElsewhere);
    this.remoteTasks.set(name, task);
    return task;
  }

  private checkNewName(name: string): void {
    if (this.tasks.has(name) || this.remoteTasks.has(name))
      throw new ConfigurationError(`A task named '${name}' is already defined on this app.`);
  }

  /** A registered task by name. */
  // biome-ignore lint/suspicious/noExplicitAny: callers check arguments at run time
  getTask(name: string): Task<any, any> | undefined {
    return this.tasks.get(name);
  }

  /**
   * A call of the task named `name` with exactly these arguments, whether or not this app defines
   * it (Celery's `app.signature(name, args, kwargs)`): what tools that replay a recorded call (the
   * dashboard's Retry) send. Immutable, unchecked: the worker that runs it checks the arguments.
   */
  signature(name: string, args: readonly unknown[] = [], kwargs: Record<string, unknown> = {}): Signature<[], unknown, true> {
    return new Signature(this.applier, name, args, true, {}, kwargs);
  }

  /** Where the broker and backend are, passwords masked (for banners and logs). */
  describe(): { broker: string; backend: string } {
    const show = (spec: unknown) =>
      spec === undefined ? 'none' : typeof spec === 'string' ? maskCredentials(spec) : (spec as object).constructor.name;
    return { broker: show(this.config.broker), backend: show(this.config.backend) };
  }

  /** Names of every registered task. */
  taskNames(): string[] {
    return [...this.tasks.keys()];
  }

  /** A worker for this app's tasks. Call `start()` on it. */
  worker(options: WorkerOptions = {}): Worker {
    return new Worker(this, options);
  }

  /**
   * Declare a periodic task: `signature` is sent at each tick of `timing` by `tq beat` (or
   * `app.beat()`), each tick exactly once however many schedulers run. Checked now; stored (with
   * its run state) in the result backend's schedule store when a scheduler starts.
   */
  schedule(name: string, timing: ScheduleTiming, signature: Signature<[], unknown, boolean>, options: ScheduleOptions = {}): void {
    if (this.schedules.has(name)) throw new ConfigurationError(`A schedule named '${name}' is already declared on this app.`);
    const entry = scheduleEntryOf(name, timing, signature.toJSON(), options, 'code', Date.now());
    this.schedules.set(name, { timing, signature: entry.signature, options });
  }

  /** A periodic-task scheduler for this app's schedules. Call `start()` on it; any number may run. */
  beat(options: BeatOptions = {}): Beat {
    return new Beat(
      {
        logger: this.logger,
        applyNode: (signature, prepend) => this.applier.applyNode(signature, prepend),
        declaredSchedules: (nowMs) =>
          [...this.schedules].map(([name, d]) => scheduleEntryOf(name, d.timing, d.signature, d.options, 'code', nowMs)),
        scheduleStore: () => this.scheduleStore(),
        maybeResultBackend: () => this.maybeResultBackend(),
      },
      options,
    );
  }

  /** Where schedules live (the result backend's store): list, add, pause, resume, remove or run entries at run time. */
  async scheduleStore(): Promise<ScheduleStore> {
    return (await this.resultBackend()).scheduleStore();
  }

  /** Connect the broker and backend now (otherwise the first use does). */
  async connect(): Promise<void> {
    await Promise.all([this.broker(), this.maybeResultBackend()]);
  }

  /** The connected broker (core's runtime around the transport's; `.transport` is the transport's own). */
  async broker(): Promise<RuntimeBroker> {
    this.assertOpen();
    // Once connected, every send reuses the same promise: no connect checks on the hot path.
    this.connectedBroker ??= this.connectBroker().catch((error: unknown) => {
      this.connectedBroker = undefined;
      throw error;
    });
    return this.connectedBroker;
  }

  private async connectBroker(): Promise<RuntimeBroker> {
    // In a pool child an in-process broker is the worker's: forwarded there (ForwardedBroker).
    this.brokerRuntime ??= resolveBroker(this.config.broker, this).then(
      (broker) => new RuntimeBroker(ForwardedBroker.ifInPoolChild(broker), this),
    );
    // The backend connects with the broker: rpc:// declares the reply queue before the first send
    // (as Celery does), or a reply to it would be dropped.
    const [runtime] = await Promise.all([this.brokerRuntime, this.maybeResultBackend()]);
    await runtime.connect();
    return runtime;
  }

  /** The connected result backend; throws when none is configured. */
  async resultBackend(): Promise<RuntimeBackend> {
    const backend = await this.maybeResultBackend();
    if (!backend) {
      throw new ConfigurationError(
        "This app has no result backend, so results cannot be read. Pass one: createApp({ broker, backend: 'redis://...' }).",
      );
    }
    return backend;
  }

  /** The connected result backend, or undefined when the app stores no results. */
  async maybeResultBackend(): Promise<RuntimeBackend | undefined> {
    this.assertOpen();
    const spec = this.config.backend;
    if (spec === undefined) return undefined;
    this.backendRuntime ??= resolveResultBackend(spec, this).then(
      (backend) => new RuntimeBackend(ForwardedResultBackend.ifInPoolChild(backend), this),
    );
    const runtime = await this.backendRuntime;
    await runtime.connect({ replyTo: this.replyTo });
    return runtime;
  }

  /** A handle on any task id. */
  asyncResult<R = unknown>(id: string): AsyncResult<R> {
    return new AsyncResult<R>(this, id);
  }

  /** A handle on a group saved with `GroupResult.save()`. */
  async groupResult<T extends unknown[] = unknown[]>(id: string): Promise<GroupResult<T> | undefined> {
    const backend = await this.resultBackend();
    if (!backend.restoreGroup) throw new UnsupportedCapabilityError('groups', 'This result backend cannot restore groups.');
    const ids = await backend.restoreGroup(id);
    return (
      ids &&
      new GroupResult<T>(
        this,
        id,
        ids.map((member) => this.asyncResult(member)),
      )
    );
  }

  /**
   * Revoke a task: store REVOKED, remember the revoke where workers started later read it (backends
   * with `revokes`), and tell every running worker, Celery's too, with the `revoke` control
   * command (aborting a running attempt if `terminate`).
   */
  async revoke(taskId: string, options: { terminate?: boolean } = {}): Promise<void> {
    const [broker, backend] = await Promise.all([this.broker(), this.maybeResultBackend()]);
    const { result, traceback } = serializeError(new TaskRevokedError('revoked'));
    await backend?.set(taskId, createResultMeta({ taskId, status: 'REVOKED', result, traceback }), { ttlMs: this.resultExpiresMs });
    // Kept where workers that start later read it, as long as results are kept.
    await backend?.persistRevoke?.(taskId, this.resultExpiresMs);
    if (broker.control) await this.control.cast('revoke', { task_id: taskId, terminate: options.terminate ?? false, signal: 'SIGTERM' });
  }

  /** Close the broker and backend (idempotent). Workers should be closed first. Never connects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // task-sent events still going out need the broker open.
    await this.sentEvents?.settled();
    const opened = [this.brokerRuntime, this.backendRuntime].map((runtime) => runtime?.catch(() => undefined));
    await Promise.all(opened.map(async (runtime) => (await runtime)?.close()));
  }

  /** A result handle for what `applySignature` returned. */
  private handleOf(applied: Applied): AsyncResult<unknown> | GroupResult<unknown[]> {
    if (applied.kind === 'task') return this.asyncResult(applied.id);
    // A member that is itself a group (a chain ending in a group) is a GroupResult: it has get() too.
    return new GroupResult(
      this,
      applied.id,
      applied.members.map((m) => this.handleOf(m) as AsyncResult<unknown>),
    );
  }

  /**
   * Part of {@link WorkerHost} (`SignaturePublisher`): how tasks, canvas and workers send one message.
   * The runtime broker checks capabilities and size, then sends; emits `task-sent`. Application code
   * sends with `task.delay()` / `applyAsync()` instead.
   */
  async publish(queue: string, message: TaskMessage, options: PublishOptions): Promise<void> {
    const broker = await this.broker();
    await this.tracing.send(broker.messagingSystem, queue, message, () => broker.publish(queue, message, options));
    if (this.sentEvents && broker.events) this.sentEvents.sent(broker.events, message, queue);
    if (this.events.listenerCount('task-sent') > 0) {
      this.events.emit('task-sent', { id: message.headers.id, name: message.headers.task, queue, eta: message.headers.eta });
    }
  }

  /** Part of {@link WorkerHost}: a worker's reporter to monitors, in Celery's event format, on this app's clock. */
  workerMonitor(channel: EventChannel, source: WorkerMonitorSource, options: WorkerMonitorOptions): WorkerMonitor {
    const { hostname, events } = source;
    return new WorkerEventPublisher(
      channel,
      { hostname, events, active: () => source.active(), processed: () => source.processed(), clock: this.clock },
      options,
    );
  }

  /** Part of {@link WorkerHost} (`SignaturePublisher`): the task's own queue, else the default. */
  queueFor(taskName: string): string {
    return (this.tasks.get(taskName) ?? this.remoteTasks.get(taskName))?.options.queue ?? this.defaultQueue;
  }

  /** Part of {@link WorkerHost} (`SignaturePublisher`): announce a chord; refuses a backend without atomic counters. */
  async initChord(chordId: string, size: number): Promise<void> {
    const backend = await this.resultBackend();
    await backend.initChord(chordId, size, { ttlMs: this.resultExpiresMs });
  }

  private assertOpen(): void {
    if (this.closed) throw new ConfigurationError('This app was closed; create a new one.');
  }
}

/** Create an app: `createApp({ broker: 'memory://', backend: 'memory://' })`. */
export function createApp(config: AppConfig): App {
  return new App(config);
}
