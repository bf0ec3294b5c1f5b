import type { EventEmitter } from 'node:events';
import { loadavg, type as osType } from 'node:os';
import type { Logger } from 'pino';
import type { EventChannel } from '../spec/control-channel.js';
import { positiveNumber } from '../transport/positive-number.js';
import type { WorkerEvents } from '../worker/worker-events.js';
import { BestEffort } from './best-effort.js';
import type { CeleryEvent } from './celery-event.js';
import { celeryEventOf } from './celery-event-of.js';
import { CORE_VERSION } from './core-version.js';
import { encodeEvents } from './encode-events.js';
import type { LamportClock } from './lamport-clock.js';
import { routingKeyOf } from './routing-key-of.js';
import { type TaskEventType, taskEventFields } from './task-event-fields.js';

/** What the publisher reads from the worker it reports on. */
export interface WorkerEventSource {
  /** The worker's node name (`hostname` of every event). */
  hostname: string;
  /** The worker's in-process events; task events are read from here. */
  events: EventEmitter<WorkerEvents>;
  /** Tasks running now (`active` of worker events). */
  active(): number;
  /** Tasks started since the worker started (`processed`, Celery's `all_total_count`). */
  processed(): number;
  /** The worker's Lamport clock, shared with remote control; ticked once per event. */
  clock: LamportClock;
}

/** How the publisher behaves. */
export interface WorkerEventPublisherOptions {
  /** Send task events (`celery worker -E`). Worker events (online, heartbeat, offline) are always sent. */
  taskEvents: boolean;
  /** Time between heartbeats, sent as `freq` in seconds; monitors count a worker gone after twice that. */
  heartbeatIntervalMs: number;
  /** Where publish failures are reported (warn, rate-limited). */
  logger: Logger;
  /**
   * Longest time a task event waits in the buffer before the batch goes out on `task.multi`.
   * Default 100 ms: monitors see tasks at once while a busy worker sends one message per batch.
   */
  flushIntervalMs?: number;
  /** Buffered task events that trigger a flush at once. Default 100, bounding a batch's size. */
  bufferLimit?: number;
}

/** Node's largest timer delay; beyond it a timer fires after 1 ms. */
const TIMER_LIMIT = { max: 2_147_483_647 };

const TASK_EVENT_TYPES = Object.keys(taskEventFields) as TaskEventType[];

/**
 * Publishes a worker's Celery events (spec §8) on the broker's event channel, so `celery events`,
 * Flower and `tq events` see it: `worker-online` at start, `worker-heartbeat` every interval,
 * `worker-offline` at stop, each alone on `worker.<kind>`; and, while task events are on, the
 * task events buffered and flushed as one JSON list on `task.multi`, as Celery's worker does.
 * Events are best effort: a failed publish is logged (rate-limited) and never reaches the worker
 * or its tasks.
 */
export class WorkerEventPublisher {
  private readonly buffer: CeleryEvent[] = [];
  private readonly publishes: BestEffort;
  private readonly listeners: { [K in TaskEventType]: (payload: WorkerEvents[K][0]) => void };
  private readonly heartbeatIntervalMs: number;
  private readonly flushIntervalMs: number;
  private readonly bufferLimit: number;
  private taskEvents: boolean;
  private listening = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private state: 'new' | 'started' | 'stopped' = 'new';
  private stopping: Promise<void> | undefined;

  /** @throws ConfigurationError when an interval or the buffer limit is not a positive number (or past Node's timer limit). */
  constructor(
    private readonly channel: EventChannel,
    private readonly source: WorkerEventSource,
    options: WorkerEventPublisherOptions,
  ) {
    this.taskEvents = options.taskEvents;
    // A zero, negative or oversized interval would make Node fire every 1 ms.
    this.heartbeatIntervalMs = positiveNumber('WorkerEventPublisher', 'heartbeatIntervalMs', options.heartbeatIntervalMs, 0, TIMER_LIMIT);
    this.flushIntervalMs = positiveNumber('WorkerEventPublisher', 'flushIntervalMs', options.flushIntervalMs, 100, TIMER_LIMIT);
    this.bufferLimit = positiveNumber('WorkerEventPublisher', 'bufferLimit', options.bufferLimit, 100, { integer: true });
    this.publishes = new BestEffort(options.logger);
    const listener =
      <K extends TaskEventType>(type: K) =>
      (payload: WorkerEvents[K][0]) =>
        this.buffered(type, payload);
    this.listeners = Object.fromEntries(TASK_EVENT_TYPES.map((type) => [type, listener(type)])) as typeof this.listeners;
  }

  /**
   * Send `worker-online`, then heartbeats every interval, and start listening for task events if
   * they are on. Call it before the worker consumes, so no task event comes before `worker-online`.
   * Resolves once `worker-online` was published (or its failure logged); never rejects.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'started';
    this.listen(this.taskEvents);
    const online = this.send('worker-online');
    // Not holding the process open: the worker's own connections do.
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.heartbeatIntervalMs).unref();
    await online;
  }

  /** Turn task events on or off (`enable_events` / `disable_events`); what is buffered is flushed when turned off. */
  setTaskEvents(on: boolean): void {
    this.taskEvents = on;
    if (this.state !== 'started') return;
    this.listen(on);
    if (!on) this.flush();
  }

  /** Send one `worker-heartbeat` now (the `heartbeat` control command); the interval goes on as before. */
  heartbeat(): void {
    if (this.state === 'started') void this.send('worker-heartbeat');
  }

  /**
   * Stop heartbeats and task events, publish what is buffered, then `worker-offline`. Idempotent;
   * resolves once everything was published or its failure logged, never rejects.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    if (this.state !== 'started') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopped';
    clearInterval(this.heartbeatTimer);
    this.listen(false);
    this.flush();
    // Offline last: a monitor that sees it forgets the worker, so nothing may follow it.
    await this.publishes.settled();
    await this.send('worker-offline');
  }

  private listen(on: boolean): void {
    if (on === this.listening) return;
    this.listening = on;
    for (const type of TASK_EVENT_TYPES) {
      // The worker builds task payloads only while someone listens: off costs nothing per task.
      if (on) this.source.events.on(type, this.listeners[type] as never);
      else this.source.events.off(type, this.listeners[type] as never);
    }
  }

  /** Runs inside the worker's `emit`: must never throw into the task's handling. */
  private buffered<K extends TaskEventType>(type: K, payload: WorkerEvents[K][0]): void {
    try {
      const fields = taskEventFields[type](payload);
      if (!fields) return;
      this.buffer.push(celeryEventOf(type, fields, this.source, payload.timestamp));
    } catch (error) {
      this.publishes.failed(type, error);
      return;
    }
    if (this.buffer.length >= this.bufferLimit) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), this.flushIntervalMs).unref();
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.buffer.length === 0) return;
    const events = this.buffer.splice(0);
    this.publishes.run(`${events.length} task events`, () =>
      this.channel.publish('task.multi', encodeEvents(events, this.source.hostname)),
    );
  }

  private send(type: 'worker-online' | 'worker-heartbeat' | 'worker-offline'): Promise<void> {
    return this.publishes.run(type, () =>
      this.channel.publish(routingKeyOf(type), encodeEvents(this.workerEvent(type), this.source.hostname)),
    );
  }

  private workerEvent(type: string): CeleryEvent {
    const fields = {
      freq: this.heartbeatIntervalMs / 1000,
      active: this.source.active(),
      processed: this.source.processed(),
      // Celery rounds up to two decimals.
      loadavg: loadavg().map((load) => Math.ceil(load * 100) / 100),
      sw_ident: 'tq',
      sw_ver: CORE_VERSION,
      sw_sys: osType(),
    };
    return celeryEventOf(type, fields, this.source);
  }
}
