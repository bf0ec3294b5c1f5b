import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { applyOptionsToJson } from '../canvas/apply-options.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { RuntimeBackend } from '../runtime/runtime-backend.js';
import { READY_STATES } from '../spec/result-backend.js';
import type { ScheduleEntry, ScheduleStore } from '../spec/schedule-store.js';
import { Backoff } from '../transport/backoff.js';
import type { BeatHost } from './beat-host.js';
import type { BeatOptions } from './beat-options.js';
import { planTick, type TickPlan } from './plan-tick.js';
import { SCHEDULE_HEADER } from './schedule-header.js';
import { tickId } from './tick-id.js';

/** Done claims are kept this long, so a scheduler acting on a stale read cannot claim a tick again. */
const DONE_CLAIM_KEEP_MS = 10 * 60_000;

/** One handled tick, as reported by `Beat.events`. */
export interface TickEvent {
  schedule: string;
  /** The tick instant (UTC ms). */
  tickMs: number;
  /** The task id it was sent with (derived from schedule and tick), or null when skipped. */
  taskId: string | null;
  /** `sent`, or why it was not. */
  outcome: string;
}

/** Events of a scheduler. */
export interface BeatEvents {
  /** A tick this scheduler handled (sent or skipped). Ticks other schedulers handled are not reported. */
  tick: [TickEvent];
}

/**
 * A periodic-task scheduler (Celery's beat). Any number may run at once, against one store: each
 * tick is claimed there first and sent with a task id derived from schedule and tick, so it is
 * sent once no matter how many schedulers see it (see docs/adr/0019-beat-claims-ticks.md).
 */
export class Beat {
  readonly events = new EventEmitter<BeatEvents>();
  private readonly now: () => number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly stop = new AbortController();
  private readonly logger: Logger;
  private starting: Promise<void> | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly host: BeatHost,
    options: BeatOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.leaseMs = options.claimLeaseMs ?? 10_000;
    this.pollMs = options.pollMs ?? 1000;
    this.batchSize = options.batchSize ?? 500;
    this.concurrency = options.concurrency ?? 16;
    this.logger = host.logger.child({ component: 'beat' });
  }

  /** Store the app's declared schedules and start sending ticks. Once only. */
  start(): Promise<void> {
    if (this.stop.signal.aborted)
      return Promise.reject(new ConfigurationError('This scheduler was closed; make a new one with app.beat().'));
    this.starting ??= this.begin().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /** Stop after the tick in hand (idempotent). Claims of ticks not sent expire for another scheduler. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.starting?.catch(() => undefined);
    await this.running;
  }

  private async begin(): Promise<void> {
    const store = await this.host.scheduleStore();
    const declared = this.host.declaredSchedules(this.now());
    await store.sync(declared);
    this.logger.info({ schedules: declared.length }, `scheduler started with ${declared.length} declared schedule(s)`);
    this.running = this.loop(store);
  }

  private async loop(store: ScheduleStore): Promise<void> {
    const backoff = new Backoff(1000, 30_000);
    while (!this.stop.signal.aborted) {
      let waitMs: number;
      try {
        await this.pass(store);
        backoff.reset();
        const next = await store.nextDueAt();
        waitMs = Math.min(this.pollMs, next === null ? this.pollMs : next - this.now());
      } catch (error) {
        waitMs = backoff.next();
        this.logger.error({ err: error, retryInMs: waitMs }, 'schedule store unreachable; ticks wait until it is back');
      }
      if (waitMs > 0) await sleep(waitMs, undefined, { signal: this.stop.signal }).catch(() => undefined);
    }
  }

  /** Handle every due entry once. */
  private async pass(store: ScheduleStore): Promise<void> {
    for (;;) {
      const due = await store.due(this.now(), this.batchSize);
      for (let i = 0; i < due.length && !this.stop.signal.aborted; i += this.concurrency) {
        await Promise.all(due.slice(i, i + this.concurrency).map((entry) => this.handle(store, entry)));
      }
      if (due.length < this.batchSize || this.stop.signal.aborted) return;
    }
  }

  private async handle(store: ScheduleStore, entry: ScheduleEntry): Promise<void> {
    const tick = entry.nextRunAt;
    if (tick === null) return;
    const now = this.now();
    let plan: TickPlan = planTick({ ...entry, nextRunAt: tick }, now);
    if (plan.send && entry.options.overlap === 'skipIfRunning' && (await this.stillRunning(entry))) {
      plan = { ...plan, send: false, outcome: 'skipped: the previous run has not finished' };
    }
    let taskId: string | null = null;
    if (plan.send) {
      taskId = tickId(entry.name, tick);
      const claim = await store.claimTick(entry.name, tick, this.leaseMs);
      // Another scheduler holds it; it sends the tick, or its claim expires and a scheduler retries.
      if (claim === 'held') return;
      // Sent by another scheduler, which may have died before moving the entry on: move it (a no-op if it did).
      if (claim === 'done') {
        await store.completeTick(entry.name, tick, { nextRunAt: plan.next, sent: true, taskId, outcome: 'sent' }, DONE_CLAIM_KEEP_MS);
        return;
      }
      await this.send(entry, tick, taskId, plan.next);
    }
    await store.completeTick(
      entry.name,
      tick,
      { nextRunAt: plan.next, sent: plan.send, taskId, outcome: plan.outcome },
      DONE_CLAIM_KEEP_MS,
    );
    if (plan.send) this.logger.info({ schedule: entry.name, tick: new Date(tick).toISOString(), taskId }, 'tick sent');
    else this.logger.info({ schedule: entry.name, tick: new Date(tick).toISOString(), outcome: plan.outcome }, 'tick not sent');
    this.events.emit('tick', { schedule: entry.name, tickMs: tick, taskId, outcome: plan.outcome });
  }

  private async send(entry: ScheduleEntry, tick: number, taskId: string, next: number | null): Promise<void> {
    const { queue, priority, headers, expiresMs } = entry.options;
    const expiresAfter = expiresMs ?? (next === null || 'at' in entry.timing ? undefined : next - tick);
    const signature = entry.signature;
    const options = applyOptionsToJson({
      taskId,
      queue,
      priority,
      expires: expiresAfter === undefined ? undefined : new Date(tick + expiresAfter),
      headers: { ...(signature.options.headers as Record<string, unknown> | undefined), ...headers, [SCHEDULE_HEADER]: entry.name },
    });
    await this.host.applyNode({ ...signature, options: { ...signature.options, ...options } }, []);
  }

  /** Whether the previous tick's task has no final state yet (no record counts as not finished). */
  private async stillRunning(entry: ScheduleEntry): Promise<boolean> {
    if (!entry.lastTaskId) return false;
    const backend: RuntimeBackend | undefined = await this.host.maybeResultBackend();
    if (!backend) return false;
    const meta = await backend.get(entry.lastTaskId);
    return meta === undefined || !READY_STATES.has(meta.status);
  }
}
