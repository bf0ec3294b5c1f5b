import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { NodeMailbox } from '../control/node-mailbox.js';
import { expandNodeName } from '../control/node-name.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { WorkerShutdownError } from '../errors/worker-shutdown-error.js';
import { WorkerPools } from '../pool/worker-pools.js';
import { poolChildLink } from '../runtime/pool-child-link.js';
import type { Delivery, Subscription } from '../spec/broker.js';
import { checkMaxDeliveries, DEFAULT_MAX_DELIVERIES } from '../task/max-deliveries.js';
import { checkPoolKind, type PoolKind } from '../task/pool-kind.js';
import { positiveNumber } from '../transport/positive-number.js';
import { ConsumptionWatch } from './consumption-watch.js';
import { controlCommands } from './control-commands.js';
import type { ControlledWorker } from './controlled-worker.js';
import { EventLoopWatch } from './event-loop-watch.js';
import { forwardChildCall } from './forward-child-call.js';
import { handleDelivery, settleAfterUnexpectedError } from './handle-delivery.js';
import { inspectCommands } from './inspect-commands.js';
import { processGuard } from './process-guard.js';
import { RevokedIds } from './revoked-ids.js';
import { Semaphore } from './semaphore.js';
import { TrackedDelivery } from './tracked-delivery.js';
import type { WorkerEvents } from './worker-events.js';
import type { WorkerHealth } from './worker-health.js';
import type { WorkerHost } from './worker-host.js';
import type { WorkerMonitor } from './worker-monitor.js';
import type { WorkerOptions } from './worker-options.js';
import type { WorkerRuntime } from './worker-runtime.js';

/** Room for the envelope around a body: headers, properties, kombu's keys. */
const ENVELOPE_ROOM_BYTES = 64 * 1024;

/**
 * The largest message a worker accepts by default: a body at the broker's `maxMessageBytes` as it
 * travels. Twice the body covers every encoding a transport uses (base64 in a kombu envelope is
 * 4/3; SQS base64-encodes that envelope again, 16/9), plus room for headers.
 */
function travellingSize(maxBodyBytes: number): number {
  return 2 * maxBodyBytes + ENVELOPE_ROOM_BYTES;
}

/** See `WorkerOptions.maxResultBytes`. */
const DEFAULT_MAX_RESULT_BYTES = 4 * 1024 * 1024;

/** Celery's default; see `WorkerOptions.prefetchMultiplier`. */
const DEFAULT_PREFETCH_MULTIPLIER = 4;

/** Pooled tasks taken per child: the one it runs and the next, ready (see `WorkerRuntime.poolSlots`). */
const TASKS_PER_CHILD = 2;

/** See `WorkerOptions.stallAfterMs`. */
const DEFAULT_STALL_AFTER_MS = 60_000;

/** Celery's heartbeat frequency; see `WorkerOptions.heartbeatIntervalMs`. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 2000;

/**
 * Consumes queues and runs tasks: `await app.worker({ queues, concurrency }).start()`, and
 * `close()` for a warm shutdown. Every message is acknowledged only after its attempt ended.
 */
export class Worker {
  /** Task events: received, started, succeeded, failed, retried, revoked, rejected. */
  readonly events = new EventEmitter<WorkerEvents>();
  /** The node name (`WorkerOptions.hostname` expanded): in results, events and remote control. */
  readonly hostname: string;
  readonly concurrency: number;
  /** Where tasks without a `pool` option run (`WorkerOptions.pool`). */
  readonly pool: PoolKind;
  /** Messages held per subscription: `concurrency × prefetchMultiplier`. */
  private readonly prefetch: number;
  /** Queues consumed, in preference order; `add_consumer` and `cancel_consumer` change them. */
  private consumed: string[];
  private runtime: WorkerRuntime | undefined;
  /** Open subscriptions and their queues (one at start, one more per `add_consumer`). */
  private readonly subscriptions = new Map<Subscription, readonly string[]>();
  /** Subscriptions `cancel_consumer` is closing; shutdown waits for them. */
  private readonly unsubscribing = new Set<Promise<void>>();
  private mailbox: NodeMailbox | undefined;
  private publisher: WorkerMonitor | undefined;
  private taskEvents: boolean;
  private readonly heartbeatIntervalMs: number;
  private startedAt = 0;
  /** Deliveries being handled; `drained` is settled when it drops to zero. */
  private inFlight = 0;
  private drained: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly stop = new AbortController();
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private loopWatch: EventLoopWatch | undefined;
  private readonly consumption: ConsumptionWatch;
  private probing: Promise<WorkerHealth> | undefined;
  /** Set once `start()` finished. */
  private online = false;

  constructor(
    private readonly host: WorkerHost,
    private readonly options: WorkerOptions,
  ) {
    this.hostname = expandNodeName(options.hostname ?? `tq${process.pid}@%h`);
    this.consumed = [...(options.queues?.length ? options.queues : [host.defaultQueue])];
    this.concurrency = options.concurrency ?? 10;
    this.pool = checkPoolKind('WorkerOptions', options.pool) ?? 'inline';
    for (const name of ['poolSize', 'maxTasksPerChild', 'maxMemoryPerChildMb', 'timeLimitMs', 'softTimeLimitMs'] as const)
      positiveNumber('WorkerOptions', name, options[name], 1, { integer: name === 'poolSize' || name === 'maxTasksPerChild' });
    this.prefetch = this.concurrency * (options.prefetchMultiplier ?? DEFAULT_PREFETCH_MULTIPLIER);
    this.taskEvents = options.taskEvents ?? false;
    // Past setTimeout's ceiling a timer fires at once: that would be a heartbeat storm.
    this.heartbeatIntervalMs = positiveNumber(
      'WorkerOptions',
      'heartbeatIntervalMs',
      options.heartbeatIntervalMs,
      DEFAULT_HEARTBEAT_INTERVAL_MS,
      {
        max: 2 ** 31 - 1,
      },
    );
    checkMaxDeliveries('WorkerOptions', options.maxDeliveries);
    this.consumption = new ConsumptionWatch(positiveNumber('WorkerOptions', 'stallAfterMs', options.stallAfterMs, DEFAULT_STALL_AFTER_MS));
  }

  /** Queues consumed now: those given (or the app's default queue), as changed by `add_consumer`/`cancel_consumer`. */
  get queues(): readonly string[] {
    return this.consumed;
  }

  /**
   * Connect and start consuming. Once only: concurrent calls share one start, a failed start can
   * be tried again, and a start after `close()` is refused (a closed worker never consumes).
   */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new ConfigurationError('This worker was closed; make a new one with app.worker().'));
    // A task module that starts a worker when imported would start one in every pool child.
    if (poolChildLink())
      return Promise.reject(
        new ConfigurationError(
          'A worker cannot start inside a pool child: the module that defines the tasks starts one when imported. Start the worker from a separate entry module (or guard it with a check for the main module).',
        ),
      );
    this.starting ??= this.begin().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private async begin(): Promise<void> {
    const broker = await this.host.broker();
    const backend = await this.host.maybeResultBackend();
    const logger = this.host.logger.child({ worker: this.hostname });
    const loopWatch = new EventLoopWatch(logger);
    // One child per slot for a pool worker (Celery's prefork); one per core for CPU-bound tasks of an inline one.
    const poolSize = this.options.poolSize ?? (this.pool === 'inline' ? availableParallelism() : this.concurrency);
    const runtime: WorkerRuntime = {
      host: this.host,
      broker,
      backend,
      hostname: this.hostname,
      logger,
      events: this.events,
      slots: new Semaphore(this.concurrency),
      revoked: new RevokedIds(),
      running: loopWatch.running,
      rateLimiters: new Map(),
      timeLimits: new Map(),
      requests: new Map(),
      totals: new Map(),
      maxPayloadBytes: this.options.maxPayloadBytes ?? travellingSize(broker.capabilities.maxMessageBytes),
      trackStarted: this.options.trackStarted ?? false,
      defaultTimeLimits: { hardMs: this.options.timeLimitMs ?? null, softMs: this.options.softTimeLimitMs ?? null },
      storeRetryMs: this.options.storeRetryMs ?? 30_000,
      maxResultBytes: this.options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
      maxDeliveries: this.options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES,
      closing: this.stop.signal,
      pool: this.pool,
      poolSlots: new Semaphore(TASKS_PER_CHILD * poolSize),
      pools: new WorkerPools({
        size: poolSize,
        maxTasksPerChild: this.options.maxTasksPerChild ?? Number.POSITIVE_INFINITY,
        maxMemoryPerChildMb: this.options.maxMemoryPerChildMb ?? Number.POSITIVE_INFINITY,
        resourceLimits: this.options.resourceLimits,
        execArgv: this.options.execArgv ?? process.execArgv,
        logger,
        forward: (target, method, args) => forwardChildCall(this.host, target, method, args),
      }),
    };
    // Revokes sent before this worker started (broadcasts reach only running workers).
    for (const id of (await backend?.revokedIds?.()) ?? []) runtime.revoked.add(id);
    this.runtime = runtime;
    this.loopWatch = loopWatch;
    this.startedAt = Date.now();
    loopWatch.start();
    processGuard.acquire(logger);
    try {
      // Listening before consuming: a revoke sent as the first tasks arrive is not missed.
      if (broker.control) {
        const controlled = this.controlled(runtime);
        const commands = { ...inspectCommands(controlled), ...controlCommands(controlled) };
        this.mailbox = new NodeMailbox(broker.control, this.hostname, commands, this.host.clock, logger);
        await this.mailbox.start();
      }
      // Online before consuming: monitors see no task event of a worker they do not know yet.
      if (broker.events) await this.startEvents(runtime, broker.events);
      // Pool children ready before consuming (Celery's prefork): no task waits for one to boot.
      const tasks = this.host.taskNames().flatMap((name) => this.host.getTask(name) ?? []);
      await runtime.pools.prestart(tasks, this.pool);
      await this.subscribe(runtime, this.consumed);
    } catch (error) {
      processGuard.release(logger);
      loopWatch.stop();
      runtime.pools.close();
      await this.unsubscribeAll();
      await this.publisher?.stop();
      this.publisher = undefined;
      await this.mailbox?.stop();
      this.mailbox = undefined;
      this.runtime = undefined;
      throw error;
    }
    this.online = true;
    this.events.emit('worker-online', { hostname: this.hostname, queues: this.queues });
  }

  /** Heartbeats (always) and task events (when on) to monitors; best effort: the monitor logs failures, never throws. */
  private async startEvents(runtime: WorkerRuntime, channel: NonNullable<WorkerRuntime['broker']['events']>): Promise<void> {
    const publisher = this.host.workerMonitor(
      channel,
      { hostname: this.hostname, events: this.events, active: () => runtime.running.size, processed: () => this.processed() },
      {
        taskEvents: this.taskEvents,
        heartbeatIntervalMs: this.heartbeatIntervalMs,
        logger: runtime.logger,
      },
    );
    this.publisher = publisher;
    await publisher.start();
  }

  private async subscribe(runtime: WorkerRuntime, queues: readonly string[]): Promise<void> {
    const subscription = await runtime.broker.consume(queues, (delivery) => this.handle(runtime, delivery), { prefetch: this.prefetch });
    this.subscriptions.set(subscription, queues);
  }

  /** What remote-control commands see and steer of this worker. */
  private controlled(runtime: WorkerRuntime): ControlledWorker {
    return {
      rt: runtime,
      startedAt: this.startedAt,
      concurrency: this.concurrency,
      prefetch: this.prefetch,
      queues: () => this.queues,
      addQueue: (queue) => this.addQueue(runtime, queue),
      cancelQueue: (queue) => this.cancelQueue(runtime, queue),
      shutdown: () => {
        this.close().catch((error: unknown) => runtime.logger.error({ err: error }, 'shutdown by remote control failed'));
      },
      setTaskEvents: (on) => {
        if (!this.publisher) return undefined;
        const before = this.taskEvents;
        this.taskEvents = on;
        this.publisher.setTaskEvents(on);
        return before;
      },
      heartbeat: () => {
        this.publisher?.heartbeat();
        return this.publisher !== undefined;
      },
      resizePool: (delta) => {
        const before = runtime.pools.poolSize;
        const after = runtime.pools.resize(delta);
        // A pool worker runs one task per child: its slots follow the pool (Celery's pool_grow grows concurrency).
        if (this.pool !== 'inline') runtime.slots.resize(after - before);
        runtime.poolSlots.resize(TASKS_PER_CHILD * (after - before));
        return after;
      },
    };
  }

  private async addQueue(runtime: WorkerRuntime, queue: string): Promise<boolean> {
    if (this.stop.signal.aborted) throw new ConfigurationError('This worker is shutting down.');
    if (this.consumed.includes(queue)) return false;
    this.consumed = [...this.consumed, queue];
    try {
      await this.subscribe(runtime, [queue]);
    } catch (error) {
      this.consumed = this.consumed.filter((q) => q !== queue);
      throw error;
    }
    // close() began while subscribing: the new subscription closes with the rest.
    if (this.stop.signal.aborted) this.unsubscribeAll();
    return true;
  }

  /** Stop fetching `queue`: its subscription closes (what it handed over still runs); its other queues get a new one. */
  private async cancelQueue(runtime: WorkerRuntime, queue: string): Promise<void> {
    this.consumed = this.consumed.filter((q) => q !== queue);
    for (const [subscription, queues] of [...this.subscriptions]) {
      if (!queues.includes(queue)) continue;
      this.subscriptions.delete(subscription);
      const closing = subscription
        .close()
        .catch((error: unknown) => runtime.logger.warn({ err: error, queue }, 'could not stop consuming'));
      this.unsubscribing.add(closing);
      closing.finally(() => this.unsubscribing.delete(closing));
      const rest = queues.filter((q) => q !== queue);
      if (rest.length && !this.stop.signal.aborted) await this.subscribe(runtime, rest);
    }
  }

  /** Close every subscription (shutdown): resolves once all of them, and those being cancelled, are closed. */
  private unsubscribeAll(): Promise<unknown> {
    const closing = [...this.subscriptions.keys()].map((subscription) => subscription.close());
    this.subscriptions.clear();
    return Promise.all([...closing, ...this.unsubscribing]);
  }

  /** True from a successful `start()` until `close()` begins. */
  get isRunning(): boolean {
    return this.online && !this.closing;
  }

  /** Deliveries held now: waiting for a slot, an eta or a rate limit, or running. */
  get held(): number {
    return this.inFlight;
  }

  /**
   * Liveness and readiness for health endpoints (Kubernetes probes): asks the broker how many ready
   * messages wait in the consumed queues and judges whether the worker consumes them (see
   * `WorkerOptions.stallAfterMs`). Concurrent calls share one probe. Never rejects.
   */
  health(): Promise<WorkerHealth> {
    const inFlight = this.inFlight;
    if (this.closing) return Promise.resolve({ live: true, ready: false, reason: 'shutting down', inFlight });
    const runtime = this.runtime;
    if (!runtime) return Promise.resolve({ live: true, ready: false, reason: 'not started', inFlight });
    this.probing ??= this.probe(runtime).finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  private probe(runtime: WorkerRuntime): Promise<WorkerHealth> {
    const readyMessages = async () => {
      const depths = await Promise.all(this.consumed.map((queue) => runtime.broker.depth(queue)));
      return depths.reduce((sum, depth) => sum + depth.ready, 0);
    };
    return this.consumption.probe(readyMessages, () => ({ inFlight: this.inFlight, capacity: this.prefetch }));
  }

  /** Tasks running right now (ids). */
  active(): string[] {
    return [...(this.runtime?.running.keys() ?? [])];
  }

  /** Attempts started since this worker started (Celery's `processed` in heartbeats). */
  processed(): number {
    let sum = 0;
    for (const count of this.runtime?.totals.values() ?? []) sum += count;
    return sum;
  }

  /**
   * Warm shutdown: stop fetching, give back what has not started, let running tasks finish for up
   * to `timeoutMs` (default `shutdownTimeoutMs`, 30 s), then abort the rest and give them back too.
   * Idempotent. Does not close the app.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(options.timeoutMs ?? this.options.shutdownTimeoutMs ?? 30_000);
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    // A start in progress finishes first, so its subscription is closed rather than left running.
    await this.starting?.catch(() => undefined);
    const runtime = this.runtime;
    if (!runtime) return;
    this.stop.abort();
    // Stop fetching without waiting for it before the grace period: a closing Kafka or AMQP
    // subscription stays open until its deliveries are settled, and a task returned after the
    // grace period must be nacked while it is (a return after that would count as a lost delivery).
    const unsubscribed = this.unsubscribeAll();
    runtime.slots.cancelWaiters(new WorkerShutdownError());
    runtime.poolSlots.cancelWaiters(new WorkerShutdownError());
    const drained = this.whenDrained().then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    if (!(await Promise.race([drained, timedOut]))) {
      runtime.logger.warn({ running: runtime.running.size }, 'shutdown grace period over; returning running tasks to the broker');
      for (const attempt of runtime.running.values()) attempt.shutdown();
      await this.whenDrained();
    }
    await unsubscribed;
    // What the subscription handed over while it closed is given back by now too.
    await this.whenDrained();
    clearTimeout(timer);
    runtime.pools.close();
    this.loopWatch?.stop();
    processGuard.release(runtime.logger);
    await this.publisher?.stop();
    // Last: `inspect active` still answers while running tasks finish.
    await this.mailbox
      ?.stop()
      .catch((error: unknown) => runtime.logger.warn({ err: error }, 'could not stop listening for remote control'));
    this.events.emit('worker-offline', { hostname: this.hostname });
  }

  /** Handle one delivery; never rejects into the broker's loop (its promise is the backpressure). */
  private async handle(runtime: WorkerRuntime, delivery: Delivery): Promise<void> {
    this.inFlight++;
    this.consumption.delivered();
    this.loopWatch?.saw(delivery);
    try {
      await runtime.host.tracing.process(runtime.broker.messagingSystem, delivery, runtime.hostname, (span) =>
        this.settleSurely(runtime, new TrackedDelivery(delivery, span)),
      );
    } finally {
      if (--this.inFlight === 0) {
        this.drained?.resolve();
        this.drained = undefined;
      }
    }
  }

  /** Handle a delivery, and settle it if an error nobody expected left it unsettled. */
  private async settleSurely(runtime: WorkerRuntime, tracked: TrackedDelivery): Promise<void> {
    try {
      await handleDelivery(runtime, tracked);
    } catch (error) {
      // Settled already (the settle itself failed, say): the broker redelivers it if need be.
      if (tracked.settled) runtime.logger.error({ err: error }, 'unexpected error while handling a delivery');
      else
        await settleAfterUnexpectedError(runtime, tracked, error).catch((e: unknown) =>
          runtime.logger.error({ err: e, cause: error }, 'unexpected error while handling a delivery, and it could not be settled'),
        );
    } finally {
      runtime.requests.delete(tracked);
    }
  }

  private whenDrained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    if (!this.drained) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.drained = { promise, resolve };
    }
    return this.drained.promise;
  }
}
