import { EventEmitter } from 'node:events';
import { hostname as osHostname } from 'node:os';
import { ConfigurationError } from '../errors/configuration-error.js';
import { WorkerShutdownError } from '../errors/worker-shutdown-error.js';
import type { ControlMessage, Delivery, Subscription } from '../spec/broker.js';
import { checkMaxDeliveries, DEFAULT_MAX_DELIVERIES } from '../task/max-deliveries.js';
import { EventLoopWatch } from './event-loop-watch.js';
import { handleDelivery, settleAfterUnexpectedError } from './handle-delivery.js';
import { processGuard } from './process-guard.js';
import type { RateLimiter } from './rate-limiter.js';
import { RevokedIds } from './revoked-ids.js';
import { Semaphore } from './semaphore.js';
import { TrackedDelivery } from './tracked-delivery.js';
import type { WorkerEvents } from './worker-events.js';
import type { WorkerHost } from './worker-host.js';
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

/**
 * Consumes queues and runs tasks: `await app.worker({ queues, concurrency }).start()`, and
 * `close()` for a warm shutdown. Every message is acknowledged only after its attempt ended.
 */
export class Worker {
  /** Task events: received, started, succeeded, failed, retried, revoked, rejected. */
  readonly events = new EventEmitter<WorkerEvents>();
  readonly hostname: string;
  readonly queues: readonly string[];
  readonly concurrency: number;
  private runtime: WorkerRuntime | undefined;
  private subscription: Subscription | undefined;
  private stopControl: (() => Promise<void>) | undefined;
  /** Deliveries being handled; `drained` is settled when it drops to zero. */
  private inFlight = 0;
  private drained: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly stop = new AbortController();
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private loopWatch: EventLoopWatch | undefined;

  constructor(
    private readonly host: WorkerHost,
    private readonly options: WorkerOptions,
  ) {
    this.hostname = options.hostname ?? `tq${process.pid}@${osHostname()}`;
    this.queues = options.queues?.length ? options.queues : [host.defaultQueue];
    this.concurrency = options.concurrency ?? 10;
    checkMaxDeliveries('WorkerOptions', options.maxDeliveries);
  }

  /**
   * Connect and start consuming. Once only: concurrent calls share one start, a failed start can
   * be tried again, and a start after `close()` is refused (a closed worker never consumes).
   */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new ConfigurationError('This worker was closed; make a new one with app.worker().'));
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
      rateLimiters: new Map<string, RateLimiter>(),
      maxPayloadBytes: this.options.maxPayloadBytes ?? travellingSize(broker.capabilities.maxMessageBytes),
      trackStarted: this.options.trackStarted ?? false,
      storeRetryMs: this.options.storeRetryMs ?? 30_000,
      maxResultBytes: this.options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
      maxDeliveries: this.options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES,
      closing: this.stop.signal,
    };
    // Revokes sent before this worker started (broadcasts reach only running workers).
    for (const id of (await backend?.revokedIds?.()) ?? []) runtime.revoked.add(id);
    this.runtime = runtime;
    this.loopWatch = loopWatch;
    loopWatch.start();
    processGuard.acquire(logger);
    try {
      this.stopControl = await broker.control?.subscribe((message) => this.onControl(message));
      this.subscription = await broker.consume(this.queues, (delivery) => this.handle(runtime, delivery), {
        prefetch: this.concurrency * (this.options.prefetchMultiplier ?? DEFAULT_PREFETCH_MULTIPLIER),
      });
    } catch (error) {
      processGuard.release(logger);
      loopWatch.stop();
      await this.stopControl?.();
      this.runtime = undefined;
      throw error;
    }
    this.events.emit('worker-online', { hostname: this.hostname, queues: this.queues });
  }

  /** Tasks running right now (ids). */
  active(): string[] {
    return [...(this.runtime?.running.keys() ?? [])];
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
    const unsubscribed = this.subscription?.close();
    runtime.slots.cancelWaiters(new WorkerShutdownError());
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
    this.loopWatch?.stop();
    processGuard.release(runtime.logger);
    await this.stopControl?.();
    this.events.emit('worker-offline', { hostname: this.hostname });
  }

  /** Handle one delivery; never rejects into the broker's loop (its promise is the backpressure). */
  private async handle(runtime: WorkerRuntime, delivery: Delivery): Promise<void> {
    this.inFlight++;
    this.loopWatch?.saw(delivery);
    const tracked = new TrackedDelivery(delivery);
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
      if (--this.inFlight === 0) {
        this.drained?.resolve();
        this.drained = undefined;
      }
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

  private onControl(message: ControlMessage): void {
    if (message.command !== 'revoke' || !this.runtime) return;
    const ids = ([] as unknown[]).concat(message.arguments.task_id);
    for (const id of ids) {
      if (typeof id !== 'string') continue;
      this.runtime.revoked.add(id);
      if (message.arguments.terminate) this.runtime.running.get(id)?.terminate();
    }
  }
}
