import { type CeleryEvent, mergedTaskState, type TaskEventState, taskStateOfEvent, taskStatePrecedence } from '@tq/core';
import type { HistoryFile } from './history-file.js';
import { NewestFirst } from './newest-first.js';
import type { TaskPage, TaskQuery } from './task-query.js';
import { finalStates, type TaskRecord } from './task-record.js';

/** Bounds and timing of a {@link TaskHistory}. */
export interface TaskHistoryConfig {
  /** Where it persists. */
  file: HistoryFile;
  /** Tasks kept; the earliest seen go first. Default 100,000: the size the list must stay quick at. */
  maxTasks?: number;
  /** Tasks not changed for this long are dropped. Default 7 days: a week of failures to look back on. */
  maxAgeMs?: number;
  /** How often changes are appended to the file. Default 1000 ms: a crash loses at most a second of events. */
  flushIntervalMs?: number;
  /** The current time in ms. Default `Date.now`; tests pass their own. */
  now?: () => number;
}

/** Task events per time slice, for the throughput chart. */
export interface Throughput {
  /** Start of the first slice, UNIX seconds. */
  start: number;
  /** Length of each slice, seconds. */
  step: number;
  /** Tasks finished per slice, by outcome. */
  succeeded: number[];
  failed: number[];
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
/** Retention by age is checked this often: a minute late costs nothing. */
const PRUNE_EVERY_MS = 60_000;

/**
 * The dashboard's task history: every task heard of through events or looked up in the result
 * backend, merged by Celery's state precedence, kept in memory for search and appended to a
 * {@link HistoryFile} so it survives restarts. Bounded by count and by age.
 */
export class TaskHistory {
  private readonly records = new Map<string, TaskRecord>();
  private readonly dirty = new Set<string>();
  /** Lower-cased args and kwargs of each task, as searched (kept, not rebuilt on every search). */
  private readonly argumentTexts = new Map<string, string>();
  private readonly maxTasks: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastPrune = 0;

  constructor(private readonly config: TaskHistoryConfig) {
    this.maxTasks = config.maxTasks ?? 100_000;
    this.maxAgeMs = config.maxAgeMs ?? 7 * 24 * 3600_000;
    this.now = config.now ?? Date.now;
  }

  /**
   * Load the file, drop what retention no longer allows, and start appending changes. The file is
   * (re)written here, so a path that cannot be written fails the start, not a flush later.
   */
  async start(): Promise<void> {
    for (const record of await this.config.file.load()) this.records.set(record.id, record);
    this.prune();
    await this.config.file.rewrite([...this.records.values()]);
    this.timer = setInterval(
      () =>
        this.flush().catch((error: unknown) => this.config.file.logger.error({ err: error }, 'dashboard: writing the task history failed')),
      this.config.flushIntervalMs ?? 1000,
    );
    this.timer.unref();
  }

  /** Stop the timer and write what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Take one event into account: task events update their task; others change nothing. */
  apply(event: CeleryEvent): void {
    const incoming = taskStateOfEvent[event.type];
    if (!incoming || typeof event.uuid !== 'string') return;
    const record = this.records.get(event.uuid) ?? this.create(event.uuid, event.timestamp);
    record.state = isEventState(record.state) ? mergedTaskState(record.state, incoming) : incoming;
    record.updated = Math.max(record.updated, event.timestamp);
    if (event.type === 'task-sent') record.sent = event.timestamp;
    else record.worker = event.hostname;
    if (event.type === 'task-received') record.received = event.timestamp;
    if (event.type === 'task-started') record.started = event.timestamp;
    for (const field of ['name', 'args', 'kwargs', 'result', 'exception', 'traceback', 'queue'] as const) {
      const value = event[field];
      if (typeof value === 'string') record[field] = value;
    }
    if (typeof event.runtime === 'number') record.runtime = event.runtime;
    if (typeof event.retries === 'number') record.retries = event.retries;
    this.touched(record.id);
  }

  /** Merge `patch` into the task `id` (created when unknown), e.g. from the result backend or an action. */
  update(id: string, patch: Partial<Omit<TaskRecord, 'id'>>): TaskRecord {
    const record = this.records.get(id) ?? this.create(id, patch.updated ?? this.now() / 1000);
    Object.assign(record, patch);
    record.updated = Math.max(record.updated, patch.updated ?? 0);
    this.touched(record.id);
    return { ...record };
  }

  /** One task (a copy), if known. */
  get(id: string): TaskRecord | undefined {
    const record = this.records.get(id);
    return record && { ...record };
  }

  /** How many tasks are kept. */
  get size(): number {
    return this.records.size;
  }

  /**
   * Tasks matching `query`, most recently changed first. One pass over the history that keeps only
   * the newest `offset + limit` matches (no sort of every match): the list stays quick at 100,000 tasks.
   */
  search(query: TaskQuery): TaskPage<TaskRecord> {
    const name = query.name?.toLowerCase();
    const text = query.text?.toLowerCase();
    const exception = query.exception?.toLowerCase();
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.min(MAX_LIMIT, Math.max(1, query.limit ?? DEFAULT_LIMIT));
    const page = new NewestFirst<TaskRecord>(offset + limit, (record) => record.updated);
    let total = 0;
    for (const record of this.records.values()) {
      if (query.id && !record.id.startsWith(query.id)) continue;
      if (query.state && record.state !== query.state) continue;
      if (name && !record.name?.toLowerCase().includes(name)) continue;
      if (query.from !== undefined && record.updated < query.from) continue;
      if (query.to !== undefined && record.updated >= query.to) continue;
      if (exception && !record.exception?.toLowerCase().includes(exception)) continue;
      if (text && !this.argumentText(record).includes(text)) continue;
      total++;
      page.offer(record);
    }
    return { total, tasks: page.items.slice(offset).map((record) => ({ ...record })) };
  }

  /** Ids of tasks not in a final state, oldest change first: what to check against the result backend. */
  unfinished(limit: number): string[] {
    const ids: string[] = [];
    for (const record of this.records.values()) {
      if (!finalStates.has(record.state)) ids.push(record.id);
      if (ids.length >= limit) break;
    }
    return ids;
  }

  /** Every queue a task was seen sent to. */
  queues(): Set<string> {
    const queues = new Set<string>();
    for (const record of this.records.values()) if (record.queue) queues.add(record.queue);
    return queues;
  }

  /** How many tasks are in each state. */
  countsByState(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const record of this.records.values()) counts[record.state] = (counts[record.state] ?? 0) + 1;
    return counts;
  }

  /** Tasks finished per `stepSeconds` over the last `windowSeconds`, from the history (so it survives restarts too). */
  throughput(windowSeconds: number, stepSeconds: number): Throughput {
    const slices = Math.ceil(windowSeconds / stepSeconds);
    const end = Math.floor(this.now() / 1000 / stepSeconds) * stepSeconds + stepSeconds;
    const start = end - slices * stepSeconds;
    const succeeded = new Array<number>(slices).fill(0);
    const failed = new Array<number>(slices).fill(0);
    for (const record of this.records.values()) {
      if (record.updated < start || (record.state !== 'SUCCESS' && record.state !== 'FAILURE')) continue;
      const slice = Math.min(slices - 1, Math.floor((record.updated - start) / stepSeconds));
      const series = record.state === 'SUCCESS' ? succeeded : failed;
      series[slice] = (series[slice] ?? 0) + 1;
    }
    return { start, step: stepSeconds, succeeded, failed };
  }

  /**
   * Append the changed tasks to the file (one write at a time), compacting it when it has grown to
   * twice the history. A failed write keeps its tasks for the next flush: nothing is dropped.
   */
  flush(): Promise<void> {
    const flushed = this.writing.then(async () => {
      if (this.now() - this.lastPrune > PRUNE_EVERY_MS) this.prune();
      const ids = [...this.dirty];
      this.dirty.clear();
      const changed = ids.flatMap((id) => {
        const record = this.records.get(id);
        return record ? [record] : [];
      });
      try {
        await this.config.file.append(changed);
      } catch (error) {
        for (const id of ids) this.dirty.add(id);
        throw error;
      }
      if (this.config.file.lines > 2 * this.records.size + 1000) await this.config.file.rewrite([...this.records.values()]);
    });
    // The next flush waits for this one, failed or not.
    this.writing = flushed.catch(() => undefined);
    return flushed;
  }

  private argumentText(record: TaskRecord): string {
    let text = this.argumentTexts.get(record.id);
    if (text === undefined) {
      text = `${record.args ?? ''} ${record.kwargs ?? ''}`.toLowerCase();
      this.argumentTexts.set(record.id, text);
    }
    return text;
  }

  private create(id: string, updated: number): TaskRecord {
    const record: TaskRecord = { id, name: undefined, state: 'PENDING', retries: 0, updated };
    this.records.set(id, record);
    // The earliest seen go first (Map keeps insertion order).
    for (const oldest of this.records.keys()) {
      if (this.records.size <= this.maxTasks) break;
      this.forget(oldest);
    }
    return record;
  }

  private touched(id: string): void {
    this.dirty.add(id);
    this.argumentTexts.delete(id);
  }

  private forget(id: string): void {
    this.records.delete(id);
    this.argumentTexts.delete(id);
  }

  private prune(): void {
    this.lastPrune = this.now();
    const oldest = (this.now() - this.maxAgeMs) / 1000;
    for (const [id, record] of this.records) if (record.updated < oldest) this.forget(id);
    for (const id of this.records.keys()) {
      if (this.records.size <= this.maxTasks) break;
      this.forget(id);
    }
  }
}

function isEventState(state: string): state is TaskEventState {
  return (taskStatePrecedence as readonly string[]).includes(state);
}
