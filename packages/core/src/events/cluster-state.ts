import type { CeleryEvent } from './celery-event.js';
import { mergedTaskState, type TaskEventState, taskStateOfEvent } from './task-event-states.js';

/** What {@link ClusterState} knows of one worker (from its worker events). */
export interface WorkerSnapshot {
  /** The worker's node name. */
  hostname: string;
  /**
   * Heard from lately: its last `worker-online`/`worker-heartbeat` arrived less than `freq * 2`
   * seconds ago (Celery's and Flower's rule), and no `worker-offline` since.
   */
  alive: boolean;
  /** Heartbeat interval in seconds, as the worker announced it (2 until it did, Celery's default). */
  freq: number;
  /** When its last online/heartbeat arrived here, UNIX seconds; undefined after `worker-offline`. */
  lastHeartbeat: number | undefined;
  /** Tasks running on it at its last worker event. */
  active: number;
  /** Tasks it started since it started, at its last worker event. */
  processed: number;
  /** Its load average `[1m, 5m, 15m]`, at its last worker event. */
  loadavg: number[];
  /** Its software, e.g. `tq` / `0.1.0` / `Linux`, or `py-celery` / `5.4.0` / `Linux`. */
  swIdent: string | undefined;
  swVer: string | undefined;
  swSys: string | undefined;
  /** Its process id. */
  pid: number;
}

/** What {@link ClusterState} knows of one task (merged from all its events). */
export interface TaskSnapshot {
  /** Task id. */
  uuid: string;
  /** Its state, by Celery's precedence: a late event of an earlier state (`task-sent` after `task-started`) does not move it back. */
  state: TaskEventState;
  /** Task name (from `task-sent` / `task-received`; later events do not carry it). */
  name: string | undefined;
  /** The worker that ran it last. */
  hostname: string | undefined;
  /** Python reprs of its arguments (`(2, 3)`, `{}`). */
  args: string | undefined;
  kwargs: string | undefined;
  /** Python repr of its result, once succeeded. */
  result: string | undefined;
  /** Python repr of its exception and its traceback, once failed or retried. */
  exception: string | undefined;
  traceback: string | undefined;
  /** Run time in seconds, once finished. */
  runtime: number | undefined;
  /** Retries before its latest attempt. */
  retries: number;
  /** When its latest event happened, UNIX seconds (the sender's `timestamp`). */
  updated: number;
  /** When it was received and started on a worker, UNIX seconds (the latest attempt's). */
  received: number | undefined;
  started: number | undefined;
}

/** Task events per second over the rate window, by kind (see {@link ClusterState.rates}). */
export interface EventRates {
  received: number;
  succeeded: number;
  failed: number;
  retried: number;
}

/** Options of {@link ClusterState}. */
export interface ClusterStateOptions {
  /** Tasks kept; the least recently added are forgotten first. Default 10,000 (Celery's `max_tasks_in_memory`). */
  maxTasks?: number;
  /** Window of {@link ClusterState.rates}. Default 10 s: steady enough to read, recent enough to react. */
  rateWindowMs?: number;
  /** The current time in ms since the epoch. Default `Date.now` (a live view); tests pass their own. */
  now?: () => number;
}

const RATED = { 'task-received': 'received', 'task-succeeded': 'succeeded', 'task-failed': 'failed', 'task-retried': 'retried' } as const;

/**
 * An in-memory picture of a cluster built from its events, like Celery's `events.state.State`
 * that `celery events` and Flower keep: which workers are alive, which tasks run, how fast tasks
 * go through, what failed lately. Feed it every event from `app.events.subscribe()` with
 * {@link apply}; read it whenever the view redraws.
 *
 * @example
 * const state = new ClusterState();
 * const stop = await app.events.subscribe((event) => state.apply(event));
 * setInterval(() => draw(state.workers(), state.activeTasks(), state.rates(), state.recentFailures(5)), 1000);
 */
export class ClusterState {
  private readonly workerStates = new Map<string, WorkerSnapshot>();
  private readonly taskStates = new Map<string, TaskSnapshot>();
  /** Per-second counts of rated events, oldest first. */
  private readonly buckets: { second: number; counts: EventRates }[] = [];
  private readonly maxTasks: number;
  private readonly rateWindowMs: number;
  private readonly now: () => number;

  constructor(options: ClusterStateOptions = {}) {
    this.maxTasks = options.maxTasks ?? 10_000;
    this.rateWindowMs = options.rateWindowMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Take one event into account. Events of unknown types, and task events without a `uuid`,
   * change nothing. Arrival time is the event's `local_received` (set by `app.events`), else now.
   */
  apply(event: CeleryEvent): void {
    const receivedAt = typeof event.local_received === 'number' ? event.local_received : this.now() / 1000;
    if (event.type.startsWith('worker-')) this.applyWorker(event, receivedAt);
    else if (event.type in taskStateOfEvent && typeof event.uuid === 'string') this.applyTask(event, event.uuid, receivedAt);
  }

  /** Every worker heard of (alive or not), by node name. */
  workers(): WorkerSnapshot[] {
    const now = this.now() / 1000;
    return [...this.workerStates.values()]
      .map((worker) => ({ ...worker, alive: worker.lastHeartbeat !== undefined && now < worker.lastHeartbeat + worker.freq * 2 }))
      .sort((a, b) => a.hostname.localeCompare(b.hostname));
  }

  /** The workers alive now (see {@link WorkerSnapshot.alive}), by node name. */
  aliveWorkers(): WorkerSnapshot[] {
    return this.workers().filter((worker) => worker.alive);
  }

  /** One task, if it is known (a copy). */
  task(uuid: string): TaskSnapshot | undefined {
    const task = this.taskStates.get(uuid);
    return task && { ...task };
  }

  /** Tasks received or running on a worker now, oldest first. */
  activeTasks(): TaskSnapshot[] {
    return [...this.taskStates.values()]
      .filter((task) => task.state === 'RECEIVED' || task.state === 'STARTED')
      .sort((a, b) => (a.received ?? a.updated) - (b.received ?? b.updated))
      .map((task) => ({ ...task }));
  }

  /** The `limit` (default 10) latest failed tasks, newest first. */
  recentFailures(limit = 10): TaskSnapshot[] {
    return [...this.taskStates.values()]
      .filter((task) => task.state === 'FAILURE')
      .sort((a, b) => b.updated - a.updated)
      .slice(0, limit)
      .map((task) => ({ ...task }));
  }

  /** Task events per second over the last `rateWindowMs`, counted by arrival time. */
  rates(): EventRates {
    const totals: EventRates = { received: 0, succeeded: 0, failed: 0, retried: 0 };
    const from = this.windowStart();
    for (const bucket of this.buckets) {
      if (bucket.second < from) continue;
      for (const key of Object.keys(totals) as (keyof EventRates)[]) totals[key] += bucket.counts[key];
    }
    const seconds = this.rateWindowMs / 1000;
    for (const key of Object.keys(totals) as (keyof EventRates)[]) totals[key] /= seconds;
    return totals;
  }

  private applyWorker(event: CeleryEvent, receivedAt: number): void {
    const known = this.workerStates.get(event.hostname);
    const worker: WorkerSnapshot = known ?? {
      hostname: event.hostname,
      alive: false,
      freq: 2,
      lastHeartbeat: undefined,
      active: 0,
      processed: 0,
      loadavg: [],
      swIdent: undefined,
      swVer: undefined,
      swSys: undefined,
      pid: event.pid,
    };
    if (typeof event.freq === 'number' && event.freq > 0) worker.freq = event.freq;
    if (typeof event.active === 'number') worker.active = event.active;
    if (typeof event.processed === 'number') worker.processed = event.processed;
    if (Array.isArray(event.loadavg)) worker.loadavg = event.loadavg.filter((load): load is number => typeof load === 'number');
    if (typeof event.sw_ident === 'string') worker.swIdent = event.sw_ident;
    if (typeof event.sw_ver === 'string') worker.swVer = event.sw_ver;
    if (typeof event.sw_sys === 'string') worker.swSys = event.sw_sys;
    worker.pid = event.pid;
    if (event.type === 'worker-offline') worker.lastHeartbeat = undefined;
    // A heartbeat delivered late must not move liveness back.
    else worker.lastHeartbeat = Math.max(worker.lastHeartbeat ?? receivedAt, receivedAt);
    this.workerStates.set(event.hostname, worker);
  }

  private applyTask(event: CeleryEvent, uuid: string, receivedAt: number): void {
    let task = this.taskStates.get(uuid);
    if (!task) {
      task = {
        uuid,
        state: 'PENDING',
        name: undefined,
        hostname: undefined,
        args: undefined,
        kwargs: undefined,
        result: undefined,
        exception: undefined,
        traceback: undefined,
        runtime: undefined,
        retries: 0,
        updated: event.timestamp,
        received: undefined,
        started: undefined,
      };
      this.taskStates.set(uuid, task);
      this.forgetOldTasks();
    }
    task.state = mergedTaskState(task.state, taskStateOfEvent[event.type] as TaskEventState);
    task.updated = Math.max(task.updated, event.timestamp);
    if (event.type !== 'task-sent') task.hostname = event.hostname;
    if (event.type === 'task-received') task.received = event.timestamp;
    if (event.type === 'task-started') task.started = event.timestamp;
    if (typeof event.name === 'string') task.name = event.name;
    if (typeof event.args === 'string') task.args = event.args;
    if (typeof event.kwargs === 'string') task.kwargs = event.kwargs;
    if (typeof event.result === 'string') task.result = event.result;
    if (typeof event.exception === 'string') task.exception = event.exception;
    if (typeof event.traceback === 'string') task.traceback = event.traceback;
    if (typeof event.runtime === 'number') task.runtime = event.runtime;
    if (typeof event.retries === 'number') task.retries = event.retries;
    const rated = RATED[event.type as keyof typeof RATED];
    if (rated) this.count(rated, receivedAt);
  }

  private forgetOldTasks(): void {
    for (const uuid of this.taskStates.keys()) {
      if (this.taskStates.size <= this.maxTasks) return;
      this.taskStates.delete(uuid);
    }
  }

  private count(kind: keyof EventRates, receivedAt: number): void {
    const second = Math.floor(receivedAt);
    let last = this.buckets.at(-1);
    if (!last || last.second < second) {
      last = { second, counts: { received: 0, succeeded: 0, failed: 0, retried: 0 } };
      this.buckets.push(last);
    }
    // An event that arrived out of order counts in the newest bucket: close enough for a rate.
    last.counts[kind]++;
    const from = this.windowStart();
    while (this.buckets.length > 0 && (this.buckets[0] as { second: number }).second < from) this.buckets.shift();
  }

  /** The first whole second inside the rate window. */
  private windowStart(): number {
    return Math.floor((this.now() - this.rateWindowMs) / 1000) + 1;
  }
}
