import { hostname as osHostname } from 'node:os';
import type { App, AttemptEvent, OperationEvent, QueueDepth, SentEvent, TaskOutcomeEvent, Worker } from '@tq/core';
import { collectDefaultMetrics, type Gauge, Registry } from 'prom-client';
import { CeleryInstruments, type CeleryTaskState } from './celery-instruments.js';
import { errorType } from './error-type.js';
import { OtelInstruments } from './otel-instruments.js';

/** Seconds; task runtime and queue wait span milliseconds to many minutes. */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** Configuration of {@link TqMetrics}. */
export interface TqMetricsConfig {
  /** Where the metrics are registered. Default: a registry of its own (two apps in one process do not collide). */
  registry?: Registry;
  /** The worker whose tasks, capacity and queues are reported. Default: none (an app that only publishes). */
  worker?: Worker;
  /** Queues whose depth is reported besides the worker's (a publisher watching its queues). Default: none. */
  queues?: readonly string[];
  /** Histogram buckets (seconds) of task runtime, attempt duration and queue wait. Default: 5 ms to 1 h. */
  buckets?: number[];
  /**
   * prom-client's process and Node.js metrics (`nodejs_eventloop_lag_seconds`, heap, GC, CPU) in the
   * same registry. Default true: event-loop lag is the first thing to check on a slow worker.
   */
  defaultMetrics?: boolean;
}

/**
 * Prometheus metrics of a tq app and, optionally, its worker, built on the runtime hooks (never on
 * Celery events, which may be off or lost): two name sets on one registry, the OpenTelemetry
 * messaging conventions ({@link OtelInstruments}) and celery-exporter's `celery_*`
 * ({@link CeleryInstruments}). Queue depth is read from the broker when scraped. `start()` listens,
 * `close()` stops; serve `registry` with {@link MetricsServer} or your own HTTP server.
 */
export class TqMetrics {
  readonly registry: Registry;
  private readonly otel: OtelInstruments;
  private readonly celery: CeleryInstruments;
  private readonly worker: Worker | undefined;
  private readonly hostname: string;
  private system = '';
  private reading: Promise<Map<string, QueueDepth>> | undefined;
  private started = false;
  /** Task name and queue pairs whose counters exist already (see `onTask`). */
  private readonly seen = new Set<string>();

  constructor(
    private readonly app: App,
    private readonly config: TqMetricsConfig = {},
  ) {
    this.registry = config.registry ?? new Registry();
    const buckets = config.buckets ?? DEFAULT_BUCKETS;
    const onScrape = (gauge: Gauge<string>) => this.scrape(gauge);
    this.otel = new OtelInstruments(this.registry, buckets, onScrape);
    this.celery = new CeleryInstruments(this.registry, buckets, onScrape);
    this.worker = config.worker;
    this.hostname = config.worker?.hostname ?? osHostname();
    if (config.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Listen to the app's hooks (connects its broker, to learn the messaging system). Idempotent. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.system = (await this.app.broker()).messagingSystem;
    const hooks = this.app.hooks;
    hooks.on('sent', this.onSent);
    hooks.on('operation', this.onOperation);
    hooks.on('task', this.onTask);
    hooks.on('attempt', this.onAttempt);
  }

  /** Stop listening; the values stay readable. */
  close(): void {
    if (!this.started) return;
    this.started = false;
    const hooks = this.app.hooks;
    hooks.off('sent', this.onSent);
    hooks.off('operation', this.onOperation);
    hooks.off('task', this.onTask);
    hooks.off('attempt', this.onAttempt);
  }

  /** The exposition text, as served on `/metrics`. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  private readonly onSent = (event: SentEvent): void => {
    this.celery.tasks.sent.inc({ name: event.task, hostname: this.hostname, queue_name: event.queue });
    this.otel.sent.inc({ messaging_system: this.system, messaging_destination_name: event.queue, error_type: '' });
  };

  private readonly onOperation = (event: OperationEvent): void => {
    if (event.phase === 'start') return;
    const system = event.component === 'broker' ? this.system : event.transport;
    const error_type = event.phase === 'error' ? errorType(event.error) : '';
    this.otel.operationDuration.observe(
      { messaging_system: system, messaging_operation_name: event.operation, tq_component: event.component, error_type },
      (event.durationMs ?? 0) / 1000,
    );
    // A refused publish is a message not sent; a refused batch counts once (its size is not known here).
    if (event.phase === 'error' && event.component === 'broker' && event.operation.startsWith('publish'))
      this.otel.sent.inc({ messaging_system: system, messaging_destination_name: event.target ?? '', error_type });
  };

  private readonly onTask = (event: TaskOutcomeEvent): void => {
    const labels = { name: event.task ?? '', hostname: event.worker, queue_name: event.queue };
    if (event.state === 'received') {
      // Every counter of the task exists from its first receipt, so rate() and alerts see a zero, not a gap.
      const key = `${labels.name}\u0000${labels.queue_name}`;
      if (!this.seen.has(key)) {
        this.seen.add(key);
        for (const state of Object.keys(this.celery.tasks) as CeleryTaskState[])
          if (state !== 'sent') this.celery.tasks[state].inc(state === 'failed' ? { ...labels, exception: '' } : labels, 0);
      }
      this.celery.tasks.received.inc(labels);
      this.otel.consumed.inc({ messaging_system: this.system, messaging_destination_name: event.queue });
      return;
    }
    if (event.state === 'failed') this.celery.tasks.failed.inc({ ...labels, exception: errorType(event.error) });
    else this.celery.tasks[event.state].inc(labels);
  };

  private readonly onAttempt = (event: AttemptEvent): void => {
    const labels = { name: event.task, hostname: event.worker, queue_name: event.queue };
    const destination = { messaging_system: this.system, messaging_destination_name: event.queue };
    if (event.phase === 'start') {
      this.celery.tasks.started.inc(labels);
      if (event.waitMs !== undefined) this.otel.queueWait.observe({ ...destination, task_name: event.task }, event.waitMs / 1000);
      return;
    }
    const seconds = (event.durationMs ?? 0) / 1000;
    const failed = event.outcome === 'failure' || event.outcome === 'retry';
    this.otel.processDuration.observe(
      {
        ...destination,
        messaging_operation_name: 'process',
        error_type: failed ? errorType(event.error) || event.outcome : '',
        task_name: event.task,
      },
      seconds,
    );
    if (event.outcome === 'success') this.celery.runtime.observe(labels, seconds);
  };

  /** Fill a gauge read when scraped: queue depth from the broker, the worker's capacity and queues. */
  private async scrape(gauge: Gauge<string>): Promise<void> {
    gauge.reset();
    const { celery, otel } = this;
    if (gauge === celery.queueLength || gauge === otel.queueMessages) {
      for (const [queue, depth] of await this.depths()) {
        if (gauge === celery.queueLength) gauge.set({ queue_name: queue }, depth.ready);
        else {
          const labels = { messaging_system: this.system, messaging_destination_name: queue };
          gauge.set({ ...labels, state: 'ready' }, depth.ready);
          gauge.set({ ...labels, state: 'delayed' }, depth.delayed);
          if (depth.deadLetters !== undefined) gauge.set({ ...labels, state: 'dead_letter' }, depth.deadLetters);
        }
      }
      return;
    }
    const worker = this.worker;
    if (!worker) return;
    const running = worker.active().length;
    const perWorker = new Map<Gauge<string>, number>([
      [celery.workerUp, worker.isRunning ? 1 : 0],
      [celery.workerTasksActive, running],
      [otel.inFlight, worker.held],
      [otel.prefetched, Math.max(0, worker.held - running)],
      [otel.utilization, running / worker.concurrency],
    ]);
    const value = perWorker.get(gauge);
    if (value !== undefined) return gauge.set({ hostname: worker.hostname }, value);
    if (!worker.isRunning) return;
    // celery_active_{consumer,worker,process}_count: this process's share; sum them across workers.
    const perQueue = gauge === celery.activeProcessCount ? worker.concurrency : 1;
    for (const queue of worker.queues) gauge.set({ queue_name: queue }, perQueue);
  }

  /**
   * Depth of the worker's queues and the configured ones, read once per scrape (the gauges share
   * it). A queue whose read failed is left out (no series) rather than reported with an old value.
   */
  private depths(): Promise<Map<string, QueueDepth>> {
    this.reading ??= this.readDepths().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readDepths(): Promise<Map<string, QueueDepth>> {
    const queues = new Set([...(this.worker?.queues ?? []), ...(this.config.queues ?? [])]);
    const depths = new Map<string, QueueDepth>();
    if (!this.started || queues.size === 0) return depths;
    const broker = await this.app.broker();
    await Promise.all(
      [...queues].map(async (queue) => {
        const depth = await broker.depth(queue).catch((error: unknown) => {
          this.app.logger.warn({ err: error, queue }, 'metrics: could not read the queue depth');
          return undefined;
        });
        if (depth) depths.set(queue, depth);
      }),
    );
    return depths;
  }
}
