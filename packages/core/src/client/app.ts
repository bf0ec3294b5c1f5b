import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type Logger, pino } from 'pino';
import type { Applied } from '../canvas/applied.js';
import { applySignature, type SignaturePublisher } from '../canvas/apply-signature.js';
import type { CanvasApplier } from '../canvas/canvas-applier.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { TaskRevokedError } from '../errors/task-revoked-error.js';
import { UnsupportedCapabilityError } from '../errors/unsupported-capability-error.js';
import { createResultMeta, serializeError } from '../protocol/index.js';
import type { Broker, PublishOptions } from '../spec/broker.js';
import type { ResultBackend } from '../spec/result-backend.js';
import type { SignatureJson, TaskMessage } from '../spec/task-message.js';
import { Task, type TaskFunction } from '../task/task.js';
import type { TaskOptions } from '../task/task-options.js';
import { Worker } from '../worker/worker.js';
import type { WorkerOptions } from '../worker/worker-options.js';
import { AsyncResult } from './async-result.js';
import { GroupResult } from './group-result.js';
import { once } from './once.js';
import { resolveBroker, resolveResultBackend } from './resolve-transport.js';
import type { ResultSource } from './result-source.js';

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
  /** A pino logger. Default: pino to stderr at `TQ_LOG_LEVEL` (default `info`). */
  logger?: Logger;
}

/** Events an app emits as it sends. */
export interface AppEvents {
  'task-sent': [{ id: string; name: string; queue: string; eta: string | null }];
}

/** The connected broker and backend. */
interface Connection {
  broker: Broker;
  backend: ResultBackend | undefined;
}

/**
 * The entry point: defines tasks, sends them, reads results, and makes workers.
 * Nothing connects until first use (or `connect()`).
 */
export class App implements CanvasApplier, ResultSource, SignaturePublisher {
  readonly logger: Logger;
  readonly defaultQueue: string;
  readonly resultExpiresMs: number;
  readonly events = new EventEmitter<AppEvents>();
  /** This process's reply-to id (Celery's oid); the rpc:// backend replies to it. */
  readonly replyTo = randomUUID();
  // biome-ignore lint/suspicious/noExplicitAny: tasks of every signature live here
  private readonly tasks = new Map<string, Task<any, any>>();
  private readonly connection: () => Promise<Connection>;
  private closed = false;

  constructor(private readonly config: AppConfig) {
    if (!config.broker) throw new ConfigurationError("createApp needs a broker, e.g. createApp({ broker: 'memory://' }).");
    this.logger = config.logger ?? pino({ name: 'tq', level: process.env.TQ_LOG_LEVEL ?? 'info' }, pino.destination(2));
    this.defaultQueue = config.defaultQueue ?? 'celery';
    this.resultExpiresMs = config.resultExpiresMs ?? 86_400_000;
    this.connection = once(async () => {
      const broker = await resolveBroker(config.broker);
      const backend = config.backend === undefined ? undefined : await resolveResultBackend(config.backend);
      await Promise.all([broker.connect(), backend?.connect({ replyTo: this.replyTo })]);
      return { broker, backend };
    });
  }

  /** Define a task. Its argument and result types come from `fn`. */
  task<A extends unknown[], R>(name: string, fn: TaskFunction<A, R>): Task<A, Awaited<R>>;
  task<A extends unknown[], R>(name: string, options: TaskOptions, fn: TaskFunction<A, R>): Task<A, Awaited<R>>;
  task<A extends unknown[], R>(
    name: string,
    optionsOrFn: TaskOptions | TaskFunction<A, R>,
    maybeFn?: TaskFunction<A, R>,
  ): Task<A, Awaited<R>> {
    const [options, fn] = typeof optionsOrFn === 'function' ? [{}, optionsOrFn] : [optionsOrFn, maybeFn];
    if (typeof fn !== 'function') throw new ConfigurationError(`app.task('${name}', ...) needs a function.`);
    if (this.tasks.has(name)) throw new ConfigurationError(`A task named '${name}' is already defined on this app.`);
    const task = new Task<A, Awaited<R>>(this, name, options, fn as TaskFunction<A, Awaited<R>>);
    this.tasks.set(name, task);
    return task;
  }

  /** A registered task by name. */
  // biome-ignore lint/suspicious/noExplicitAny: callers check arguments at run time
  getTask(name: string): Task<any, any> | undefined {
    return this.tasks.get(name);
  }

  /** Where the broker and backend are, passwords masked (for banners and logs). */
  describe(): { broker: string; backend: string } {
    const show = (spec: unknown) =>
      spec === undefined
        ? 'none'
        : typeof spec === 'string'
          ? spec.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@')
          : (spec as object).constructor.name;
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

  /** Connect the broker and backend now (otherwise the first use does). */
  async connect(): Promise<void> {
    await this.connection();
  }

  /** The connected broker. */
  async broker(): Promise<Broker> {
    this.assertOpen();
    return (await this.connection()).broker;
  }

  /** The connected result backend; throws when none is configured. */
  async resultBackend(): Promise<ResultBackend> {
    this.assertOpen();
    const { backend } = await this.connection();
    if (!backend) {
      throw new ConfigurationError(
        "This app has no result backend, so results cannot be read. Pass one: createApp({ broker, backend: 'redis://...' }).",
      );
    }
    return backend;
  }

  /** The connected result backend, or undefined when the app stores no results. */
  async maybeResultBackend(): Promise<ResultBackend | undefined> {
    return (await this.connection()).backend;
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

  /** Revoke a task: store REVOKED and tell every worker (aborting a running attempt if `terminate`). */
  async revoke(taskId: string, options: { terminate?: boolean } = {}): Promise<void> {
    const { broker, backend } = await this.connection();
    const { result, traceback } = serializeError(new TaskRevokedError('revoked'));
    await backend?.set(taskId, createResultMeta({ taskId, status: 'REVOKED', result, traceback }), { ttlMs: this.resultExpiresMs });
    await broker.control?.broadcast({ command: 'revoke', arguments: { task_id: taskId, terminate: options.terminate ?? false } });
  }

  /** Close the broker and backend (idempotent). Workers should be closed first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { broker, backend } = await this.connection().catch(() => ({ broker: undefined, backend: undefined }));
    await Promise.all([broker?.close(), backend?.close()]);
  }

  /** @internal CanvasApplier: send any signature; the handle matches its shape. */
  async applyNode(signature: SignatureJson, prepend: readonly unknown[]): Promise<AsyncResult<unknown> | GroupResult<unknown[]>> {
    const applied = await applySignature(this, signature, { prepend });
    return this.handleOf(applied);
  }

  /** @internal a result handle for what `applySignature` returned */
  handleOf(applied: Applied): AsyncResult<unknown> | GroupResult<unknown[]> {
    if (applied.kind === 'task') return this.asyncResult(applied.id);
    // A member that is itself a group (a chain ending in a group) is a GroupResult: it has get() too.
    return new GroupResult(
      this,
      applied.id,
      applied.members.map((m) => this.handleOf(m) as AsyncResult<unknown>),
    );
  }

  /** @internal SignaturePublisher: capability checks, then the broker. */
  async publish(queue: string, message: TaskMessage, options: PublishOptions): Promise<void> {
    const broker = await this.broker();
    const caps = broker.capabilities;
    const name = message.headers.task;
    if (options.delayMs !== undefined && options.delayMs > 0) {
      if (!caps.delay) {
        throw new UnsupportedCapabilityError(
          'delay',
          `This broker cannot delay messages, so '${name}' cannot have a countdown, eta or retry backoff.`,
        );
      }
      // Longer delays hop: the eta header makes the receiving worker delay the remainder again.
      options.delayMs = Math.min(options.delayMs, caps.delay.maxDelayMs);
    }
    if (options.priority !== undefined) {
      if (!caps.priority)
        throw new UnsupportedCapabilityError('priority', `This broker has no priorities; remove 'priority' from the call of '${name}'.`);
      if (!Number.isInteger(options.priority) || options.priority < 0 || options.priority > 9) {
        throw new ConfigurationError(`Priority must be an integer 0–9 (9 runs first); got ${options.priority} for '${name}'.`);
      }
    }
    if (options.orderingKey !== undefined && caps.ordering !== 'per-key') {
      throw new UnsupportedCapabilityError('ordering', `This broker cannot order by key; remove 'orderingKey' from the call of '${name}'.`);
    }
    await broker.publish(queue, message, options);
    this.events.emit('task-sent', { id: message.headers.id, name, queue, eta: message.headers.eta });
  }

  /** @internal SignaturePublisher: the task's own queue, else the default. */
  queueFor(taskName: string): string {
    return this.tasks.get(taskName)?.options.queue ?? this.defaultQueue;
  }

  /** @internal SignaturePublisher: announce a chord; refuses a backend without atomic counters. */
  async initChord(chordId: string, size: number): Promise<void> {
    const backend = await this.resultBackend();
    if (!backend.capabilities.atomicCounters || !backend.initChord) {
      throw new UnsupportedCapabilityError(
        'atomicCounters',
        'chord() needs a result backend with atomic counters, and this one has none (a polling chord_unlock could wait forever). Use redis:// (or memory:// in one process) as the result backend.',
      );
    }
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
