import type { WorkerHealth } from './worker-health.js';

/** A probe's broker read that takes longer than this counts as failed (a stuck connection hangs). */
const PROBE_TIMEOUT_MS = 5000;

/** What one probe of the broker found. */
export interface ConsumptionProbe {
  /** Ready messages summed over the consumed queues; undefined when the broker could not be asked. */
  readyMessages: number | undefined;
  /** Why the probe failed. */
  error?: string;
  /** Deliveries the worker holds now. */
  inFlight: number;
  /** Deliveries it may hold (the prefetch). */
  capacity: number;
}

/**
 * Liveness from consumption, not from the process being up: a worker whose consume loop stopped
 * after a reconnect (celery#10205, bullmq#4585) keeps its process, its timers and its heartbeats,
 * and only its queues show it. Each probe compares what waits in the queues with what arrived:
 * a stall starts at the first probe that saw ready messages the worker had room for, with no
 * delivery since; or a failed probe. A delivery or a probe that finds nothing to take ends it. The
 * worker is not live once a stall lasted `stallAfterMs`. An idle worker with empty queues is live:
 * nothing shows otherwise, and nothing waits on it.
 */
export class ConsumptionWatch {
  private lastDeliveryAt: number | undefined;
  private stalledSince: number | undefined;
  private stallReason = '';

  constructor(private readonly stallAfterMs: number) {}

  /** A delivery arrived: the consume loop works. */
  delivered(now = Date.now()): void {
    this.lastDeliveryAt = now;
    this.stalledSince = undefined;
  }

  /**
   * Read the ready messages (`readyMessages`, given at most 5 s, or `stallAfterMs` when shorter) and
   * judge; never rejects. `held` is read after the read, as it stands then.
   */
  async probe(readyMessages: () => Promise<number>, held: () => { inFlight: number; capacity: number }): Promise<WorkerHealth> {
    const timeoutMs = Math.min(PROBE_TIMEOUT_MS, this.stallAfterMs);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const reading = readyMessages();
    // A read that fails after the timeout won the race must not become an unhandled rejection.
    reading.catch(() => undefined);
    try {
      return this.judge({ readyMessages: await Promise.race([reading, timedOut]), ...held() });
    } catch (error) {
      return this.judge({ readyMessages: undefined, error: error instanceof Error ? error.message : String(error), ...held() });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Judge one probe (see the class comment). */
  judge(probe: ConsumptionProbe, now = Date.now()): WorkerHealth {
    const { readyMessages, inFlight, capacity } = probe;
    const waiting = readyMessages === undefined ? `the broker could not be asked (${probe.error})` : undefined;
    const starved =
      readyMessages !== undefined && readyMessages > 0 && inFlight < capacity
        ? `${readyMessages} ready messages waited with room for ${capacity - inFlight} more, and none arrived`
        : undefined;
    const stall = waiting ?? starved;
    if (!stall) this.stalledSince = undefined;
    else this.stalledSince ??= now;
    if (stall) this.stallReason = stall;
    const stalledMs = this.stalledSince === undefined ? 0 : now - this.stalledSince;
    const live = stalledMs < this.stallAfterMs;
    const ready = readyMessages !== undefined;
    const health: WorkerHealth = {
      live,
      ready,
      readyMessages,
      inFlight,
      sinceLastDeliveryMs: this.lastDeliveryAt === undefined ? undefined : now - this.lastDeliveryAt,
    };
    if (!live) health.reason = `not consuming for ${stalledMs} ms: ${this.stallReason}`;
    else if (!ready) health.reason = waiting;
    return health;
  }
}
