import type { Logger } from 'pino';
import type { Delivery } from '../spec/broker.js';
import type { Attempt } from './attempt.js';

/**
 * How often the loop is sampled. A block is measured as the gap between two samples less this
 * period, so it is under-reported by at most this much.
 */
const SAMPLE_EVERY_MS = 50;
/** Blocks shorter than this are never reported (GC pauses and a loaded machine cause them too). */
const MIN_REPORTED_MS = 100;
/** Tasks named in one report; the rest are counted. */
const NAMED_TASKS = 5;
/**
 * An inline task that blocks the loop longer than this is CPU-bound enough to belong in a pool: warned
 * about once per task name. 200 ms: past it heartbeats, acks and every other task visibly stall.
 */
const POOL_HINT_MS = 200;

/**
 * Makes a blocked event loop loud. A task doing synchronous CPU work starves every timer of the
 * worker, the visibility heartbeat among them: past the visibility timeout the broker hands the
 * message to another worker while this one still runs it, and that repeats for as long as the task
 * blocks (`maxDeliveries` then bounds the re-runs). This watch samples the loop with a timer (how
 * late it fires is how long the loop was blocked) and, when a block exceeded a third of the
 * visibility timeout (the heartbeat's period: a beat was missed and the margin is gone), logs an
 * error naming the tasks that ran during it, how long the loop was blocked, the visibility timeout
 * and the fix.
 *
 * A timer of its own rather than `perf_hooks.monitorEventLoopDelay`: resetting that histogram
 * drops its next sample, and a block that starts right after a reset would go unseen.
 *
 * It owns the worker's map of running attempts so that it also knows the tasks that started and
 * ended inside one block (a fully synchronous task is gone from the map when the loop wakes up).
 */
export class EventLoopWatch {
  /** Running attempts by task id: the worker's `WorkerRuntime.running`. */
  readonly running: Map<string, Attempt>;
  /** Inline tasks that ran since the last sample (id → name): those running then, and those started since. */
  private readonly ranSinceSample = new Map<string, string>();
  /** Task names already told to use a pool. */
  private readonly hinted = new Set<string>();
  private visibilityTimeoutMs = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private lastSampleAt = 0;

  constructor(private readonly logger: Logger) {
    this.running = new RecordingMap(this.ranSinceSample);
  }

  /** A delivery arrived: the shortest visibility timeout seen sets how long the loop may block. */
  saw(delivery: Delivery): void {
    const timeout = delivery.visibilityTimeoutMs;
    if (timeout !== undefined && timeout < this.visibilityTimeoutMs) this.visibilityTimeoutMs = timeout;
  }

  /** The longest block not reported: a third of the visibility timeout (never under 100 ms). */
  get thresholdMs(): number {
    return Math.max(MIN_REPORTED_MS, this.visibilityTimeoutMs / 3);
  }

  start(): void {
    if (this.timer) return;
    this.lastSampleAt = performance.now();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sample(): void {
    const now = performance.now();
    const blockedMs = Math.round(now - this.lastSampleAt - SAMPLE_EVERY_MS);
    this.lastSampleAt = now;
    if (blockedMs > this.thresholdMs && this.ranSinceSample.size > 0) this.report(blockedMs);
    if (blockedMs > POOL_HINT_MS) this.hintPool(blockedMs);
    this.ranSinceSample.clear();
    for (const [id, attempt] of this.running) if (!attempt.pooled) this.ranSinceSample.set(id, attempt.task);
  }

  /** Once per task name: a task that blocked the loop belongs in a pool. */
  private hintPool(blockedMs: number): void {
    for (const task of new Set(this.ranSinceSample.values())) {
      if (this.hinted.has(task)) continue;
      this.hinted.add(task);
      this.logger.warn(
        { task, blockedMs },
        `task ${task} blocked the worker's event loop for ${blockedMs} ms (acks, heartbeats and other tasks waited): ` +
          `run CPU-bound tasks in a pool, app.task('${task}', { pool: 'threads' }, fn), or the whole worker with --pool processes`,
      );
    }
  }

  private report(blockedMs: number): void {
    const timeoutMs = this.visibilityTimeoutMs;
    const tasks = [...this.ranSinceSample].map(([id, task]) => ({ id, task }));
    const named = tasks.slice(0, NAMED_TASKS).map(({ id, task }) => `${task}[${id}]`);
    if (tasks.length > NAMED_TASKS) named.push(`and ${tasks.length - NAMED_TASKS} more`);
    this.logger.error(
      { blockedMs, visibilityTimeoutMs: timeoutMs, tasks },
      `the event loop was blocked for ${blockedMs} ms while ${named.join(', ')} ran: the heartbeat that keeps running ` +
        `messages from other workers could not beat, and a block of more than about ${Math.round((timeoutMs * 2) / 3)} ms ` +
        `(of the ${timeoutMs} ms visibility timeout) lets the broker hand the same message to another worker while ` +
        'it still runs here. Move CPU-bound work off the event loop (a worker thread or a process pool), or raise ' +
        "the broker's visibilityTimeoutMs above the longest block; maxDeliveries bounds how often it re-runs.",
    );
  }
}

/** A Map that also notes every id set in it (with the attempt's task) in `seen`. */
class RecordingMap extends Map<string, Attempt> {
  constructor(private readonly seen: Map<string, string>) {
    super();
  }

  override set(id: string, attempt: Attempt): this {
    // A pooled attempt runs off this loop: it never blocks it.
    if (!attempt.pooled) this.seen.set(id, attempt.task);
    return super.set(id, attempt);
  }
}
