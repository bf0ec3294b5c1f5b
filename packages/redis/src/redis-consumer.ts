import { type DeliveryHandler, handOff, type Subscription } from '@tq/core';
import type { BrokerContext } from './broker-context.js';
import { KOMBU_SEP, type QueueKeys } from './key-space.js';
import { type ClaimedMessage, RedisDelivery } from './redis-delivery.js';
import { type RedisClient, scripts } from './redis-script.js';

/** How many delayed/expired messages one claim promotes or restores at most (no restore storms). */
const HOUSEKEEPING_LIMIT = 500;
/** A blocking wait that has not returned this long after its timeout is a stalled connection. */
const STALL_GRACE_MS = 3000;
/** With some room but less than a good batch, wait this long for more room before claiming anyway. */
const TOP_UP_AFTER_MS = 2;
/** The separator of inbox entries. */
const BAR = 0x7c;

/** What a consumer reports for `RedisBroker.health()`. */
export interface ConsumerHealth {
  queues: readonly string[];
  /** Deliveries claimed and not settled yet. */
  held: number;
  /** Milliseconds since this consumer last completed a Redis call (claim, doorbell, or a check-in while full). */
  lastContactMsAgo: number;
}

/**
 * One `consume()` call. A single loop claims batches with `claim.lua` while there is room (at
 * most `prefetch` unsettled handlers), and when every queue is empty waits for the first of:
 * the doorbell, the next delayed message's due time (a local timer), or the poll interval (for
 * messages pushed by producers that do not ring, such as Python Celery, and for restoring
 * deliveries of dead consumers). The doorbell is a blocking call on a dedicated connection:
 *
 * - standalone: BLPOP on this consumer's inboxes. A claim that comes back short registers the
 *   consumer idle, with its room as credits; a tq producer then hands it the next messages
 *   directly, already claimed (push.lua), which saves the claim round trip. The consumer claims
 *   again when its credits run out, when woken by a ring, or at the poll interval.
 * - cluster: BZPOPMIN on the queues' markers (inboxes of several queues would span hash slots).
 *
 * Held deliveries are kept invisible by core's heartbeat (`RedisDelivery.extendVisibility`), not
 * here. A ticker reconnects a doorbell connection that stalled, and while the consumer is full
 * (no claims, no doorbell) checks in with Redis, so `health()` tells a busy consumer from a cut one.
 */
export class RedisConsumer implements Subscription {
  private closed = false;
  private running = 0;
  /** Deliveries claimed and not settled yet (for `health()`). */
  private readonly held = new Set<RedisDelivery>();
  private readonly keys: QueueKeys[];
  private blocking: RedisClient | undefined;
  private claimer: RedisClient | undefined;
  private bell: Promise<void> | undefined;
  private bellSince = 0;
  /** The doorbell rang since the last claim round started. */
  private rang = false;
  private nextDueAt = Number.POSITIVE_INFINITY;
  /** Sleepers, each with whether a settling handler wakes it (closing wakes all). */
  private readonly waiters = new Map<() => void, boolean>();
  private ticker: NodeJS.Timeout | undefined;
  private loopDone: Promise<void> | undefined;
  private lastContactAt = performance.now();
  private checkingIn = false;
  private failedClaim: { queue: string; prefix: string; want: number } | undefined;
  /** Identifies this consumer in idle registrations (standalone). */
  private readonly id: string;
  /** Standalone: this consumer's inbox on each queue (same order as `queues`). */
  private readonly inboxes: string[] | undefined;
  /** KEYS of `claim.lua` for each queue: standalone adds the idle registration and the inbox. */
  private readonly claimKeys: (readonly string[])[];

  constructor(
    private readonly ctx: BrokerContext,
    readonly queues: readonly string[],
    private readonly handler: DeliveryHandler,
    private readonly prefetch: number,
    private readonly onClose: (consumer: RedisConsumer) => void,
  ) {
    this.keys = queues.map((queue) => ctx.keys.queue(queue));
    this.id = ctx.uniqueId();
    const inboxes = ctx.keys.cluster ? undefined : this.keys.map((keys) => keys.inboxPrefix + this.id);
    this.inboxes = inboxes;
    this.claimKeys = this.keys.map((keys, i) =>
      inboxes ? [...keys.claimKeys, keys.idle, keys.credits, inboxes[i] as string] : keys.claimKeys,
    );
  }

  /** Open the doorbell and claim connections and start the loop. */
  async start(): Promise<void> {
    // One blocking call at a time: nothing to batch, so it leaves at once.
    this.blocking = await this.ctx.connection.dedicated('tq:consumer', { autoPipelining: false });
    // Claims leave at once rather than at the end of the tick (auto-pipelining): Redis prepares the
    // next batch while this process still runs the current one.
    this.claimer = await this.ctx.connection.dedicated('tq:claims', { autoPipelining: false });
    if (!this.ctx.keys.cluster) await this.declareBindings();
    this.ticker = setInterval(() => this.tick(), Math.max(10, this.ctx.pollIntervalMs));
    this.loopDone = this.loop();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    this.wakeUp(false);
    await this.loopDone;
    // After the loop (a claim in flight may still register this consumer): leave before the
    // doorbell goes, so what a BLPOP pops meanwhile is delivered, and so released, not lost.
    await this.leave();
    if (this.blocking) this.ctx.connection.release(this.blocking);
    if (this.claimer) this.ctx.connection.release(this.claimer);
    this.onClose(this);
  }

  health(): ConsumerHealth {
    return { queues: this.queues, held: this.held.size, lastContactMsAgo: Math.round(performance.now() - this.lastContactAt) };
  }

  private room(): number {
    return this.prefetch - this.running;
  }

  /**
   * A claim worth a round trip: half the prefetch, up to a batch. The worker runs one half while the
   * claim for the other half travels (see `claimRound`).
   */
  private goodBatch(): number {
    return Math.min(this.ctx.claimBatchSize, Math.ceil(this.prefetch / 2));
  }

  /**
   * Wait until there is room for a good batch, or for any room once `TOP_UP_AFTER_MS` passed (long
   * tasks free slots one by one). Claiming the moment one slot frees would cost a round trip a message.
   */
  private async waitForRoom(): Promise<void> {
    const topUpAt = performance.now() + TOP_UP_AFTER_MS;
    while (!this.closed) {
      const room = this.room();
      if (room >= this.goodBatch() || this.running === 0) return;
      const now = performance.now();
      if (room > 0 && now >= topUpAt) return;
      await this.sleepUntilWoken(room > 0 ? topUpAt - now : Number.POSITIVE_INFINITY);
    }
  }

  private async loop(): Promise<void> {
    let backoffMs = 0;
    while (!this.closed) {
      try {
        await this.waitForRoom();
        if (this.closed) break;
        const drained = await this.claimRound();
        backoffMs = 0;
        if (drained && !this.closed && this.room() > 0) await this.waitForWork();
      } catch (error) {
        if (this.closed) break;
        backoffMs = Math.min(backoffMs * 2 || 50, 1000);
        this.ctx.logger.warn({ err: error, queues: this.queues, retryInMs: backoffMs }, 'claiming from Redis failed; retrying');
        await this.sleepUntilWoken(backoffMs);
      }
    }
  }

  /**
   * Claims from the queues in preference order until out of room. Returns true when every queue
   * came back short (nothing more is ready), false when a claim was full (loop again).
   *
   * On the first queue claims are pipelined: when a full claim comes back and there is room for
   * another good batch, the next claim is sent BEFORE this batch is handed out, so Redis prepares it
   * while this process runs the tasks (handing out first would delay the send until the tasks'
   * promise chains settle, leaving the worker idle for a round trip every batch).
   */
  private async claimRound(): Promise<boolean> {
    // Rings up to now are answered by this round: what they announced is already in the lists.
    this.rang = false;
    let nextDue = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.queues.length; i++) {
      const room = this.room();
      if (room <= 0) return false;
      const queue = this.queues[i] as string;
      const keys = this.keys[i] as QueueKeys;
      let pending: Promise<(number | Buffer)[]> | undefined = this.sendClaim(i, room);
      while (pending) {
        const reply: (number | Buffer)[] = await pending;
        this.failedClaim = undefined;
        this.contact();
        const [now, due, more] = reply as [number, number, number];
        if (due >= 0) nextDue = Math.min(nextDue, performance.now() + Math.max(0, due - now));
        const count = (reply.length - 3) / 4;
        const roomAfter = this.room() - count;
        pending = more === 1 && i === 0 && !this.closed && roomAfter >= this.goodBatch() ? this.sendClaim(i, roomAfter) : undefined;
        for (let j = 3; j + 3 < reply.length; j += 4) {
          const claimed: ClaimedMessage = {
            id: (reply[j] as Buffer).toString(),
            deliveryCount: reply[j + 1] as number,
            raw: reply[j + 3] as Buffer,
          };
          this.deliver(queue, keys, claimed);
        }
        if (more === 1 && !pending) {
          // Others may be idle while more waits: pass the doorbell on. Then start over at the first queue.
          void this.ctx.ring(queue).catch(() => {});
          this.nextDueAt = nextDue;
          return false;
        }
      }
    }
    this.nextDueAt = nextDue;
    return true;
  }

  /** Send one claim on the `index`th queue, for a good batch within `room`; `claimRound` awaits its reply. */
  private sendClaim(index: number, room: number): Promise<(number | Buffer)[]> {
    const queue = this.queues[index] as string;
    // A claim that failed (its reply may be lost) is retried with the same prefix: claim.lua then
    // returns what it took the first time, so nothing waits out a visibility timeout for nobody.
    const retry = this.failedClaim?.queue === queue ? this.failedClaim : undefined;
    const claim = retry ?? { queue, prefix: `${this.ctx.uniqueId()}.`, want: Math.min(room, this.goodBatch()) };
    this.failedClaim = claim;
    const args: (string | number)[] = [claim.want, this.ctx.visibilityTimeoutMs, claim.prefix, HOUSEKEEPING_LIMIT];
    if (this.inboxes) args.push(this.id, room, this.registrationMs());
    return scripts.claim.runBuffer(this.claimer as RedisClient, this.claimKeys[index] as readonly string[], args) as Promise<
      (number | Buffer)[]
    >;
  }

  /**
   * How long an idle registration lives without being renewed. An idle consumer claims (and so
   * renews it) every poll interval; a dead one is skipped by producers once it expired.
   */
  private registrationMs(): number {
    return 2 * this.ctx.pollIntervalMs + STALL_GRACE_MS;
  }

  private deliver(queue: string, keys: QueueKeys, claimed: ClaimedMessage): void {
    const delivery = new RedisDelivery(this.ctx, keys, queue, claimed, (settled) => this.held.delete(settled));
    if (this.closed) {
      // Claimed while closing: never handed over, so it goes back untouched (else after its deadline).
      void delivery
        .release()
        .catch((error: unknown) => this.ctx.logger.error({ err: error, queue }, 'could not give back a claimed message'));
      return;
    }
    this.held.add(delivery);
    this.running++;
    // The handler runs in a microtask, never inside the claim loop. The worker's handler never
    // rejects; a rejecting one is a caller bug and surfaces as an unhandled rejection.
    handOff(this.handler, delivery, this.handled);
  }

  private readonly handled = (): void => {
    this.running--;
    this.wakeUp(true);
  };

  /** Everything is empty: wait for the doorbell, the next due time, or the poll interval. */
  private async waitForWork(): Promise<void> {
    // The doorbell rang while we were claiming: that claim may have run before the push it announced.
    if (this.rang) return;
    this.bell ??= this.ringable();
    const dueInMs = this.nextDueAt - performance.now();
    // A settling handler makes room, but the queues were empty: only the bell or the due time is news.
    await Promise.race([this.bell, this.sleepUntilWoken(dueInMs, false)]);
  }

  /** Wait on the doorbell; never rejects: errors are logged and waited out. */
  private async ringable(): Promise<void> {
    try {
      await (this.inboxes ? this.waitOnInboxes(this.inboxes) : this.waitOnMarkers());
    } catch (error) {
      if (!this.closed) {
        this.ctx.logger.warn({ err: error, queues: this.queues }, 'waiting on the Redis doorbell failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      this.bell = undefined;
    }
  }

  /**
   * BLPOP on the inboxes until a ring, the last credit's message, or the poll interval. Messages
   * handed over are delivered as they come.
   */
  private async waitOnInboxes(inboxes: string[]): Promise<void> {
    for (;;) {
      this.bellSince = performance.now();
      const popped = await (this.blocking as RedisClient).blpopBuffer(...inboxes, this.ctx.pollIntervalMs / 1000);
      this.contact();
      if (!popped) return;
      const [inbox, entry] = popped;
      const index = inboxes.indexOf(inbox.toString());
      const handed = index >= 0 ? parseHanded(entry) : undefined;
      if (handed) this.deliver(this.queues[index] as string, this.keys[index] as QueueKeys, handed.claimed);
      // A ring, or the last message our registration took: claim (and so register) again.
      if (!handed || handed.creditsLeft === 0 || this.closed) {
        this.rang = true;
        return;
      }
      // The task first: it usually reaches its result write in this turn; the next BLPOP can wait
      // for the next turn (a message handed over meanwhile waits in the inbox).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** One BZPOPMIN on the doorbells. */
  private async waitOnMarkers(): Promise<void> {
    this.bellSince = performance.now();
    const markers = this.keys.map((keys) => keys.marker);
    const rung = await (this.blocking as RedisClient).bzpopmin(...markers, this.ctx.pollIntervalMs / 1000);
    this.contact();
    if (rung) this.rang = true;
    // Rung while this consumer has no room: pass it on to one that has.
    if (rung && this.room() <= 0) {
      const marker = String(rung[0]);
      const queue = this.queues[this.keys.findIndex((keys) => keys.marker === marker)];
      if (queue !== undefined) await this.ctx.ring(queue);
    }
  }

  /** Resolves after `ms`, or earlier when the consumer closes or (with `onSettle`) a handler settles. */
  private sleepUntilWoken(ms: number, onSettle = true): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(0, ms)) : undefined;
      this.waiters.set(done, onSettle);
    });
  }

  private wakeUp(settled: boolean): void {
    if (this.waiters.size === 0) return;
    for (const [done, onSettle] of [...this.waiters]) if (onSettle || !settled) done();
  }

  /**
   * Reconnect a stalled doorbell. While full, the loop neither claims nor waits on the doorbell, so
   * check in with a PING (at most one in flight): `lastContactMsAgo` stays the consumer's link to
   * Redis, not its workload. Held messages are not extended here: core's heartbeat does that.
   */
  private tick(): void {
    if (this.closed) return;
    const now = performance.now();
    const bellAgeMs = now - this.bellSince;
    if (this.bell && this.blocking && bellAgeMs > this.ctx.pollIntervalMs + STALL_GRACE_MS) {
      // The blocking call should have timed out long ago: the connection is dead without knowing it.
      this.ctx.logger.warn({ queues: this.queues, stalledMs: Math.round(bellAgeMs) }, 'Redis doorbell connection stalled; reconnecting it');
      this.bellSince = now;
      this.blocking.disconnect(true);
    }
    if (this.room() > 0 || this.checkingIn || now - this.lastContactAt < this.ctx.pollIntervalMs) return;
    this.checkingIn = true;
    // A failure is the connection's, which its watch logs; health() shows the missing contact.
    (this.claimer as RedisClient)
      .ping()
      .then(
        () => this.contact(),
        () => {},
      )
      .finally(() => {
        this.checkingIn = false;
      });
  }

  private contact(): void {
    this.lastContactAt = performance.now();
  }

  /** Standalone: drop the idle registrations, and give back what was handed over and never taken. */
  private async leave(): Promise<void> {
    if (!this.inboxes) return;
    const inboxes = this.inboxes;
    await Promise.all(
      this.keys.map((keys, i) =>
        scripts.leave.run(
          this.ctx.connection.command,
          [...keys.ready, keys.unacked, keys.unackedIndex, keys.idle, keys.credits, inboxes[i] as string],
          [this.id],
        ),
      ),
    ).catch((error: unknown) => {
      if (this.ctx.connection.closed) return;
      const why = 'could not leave the idle registrations; they expire, and messages handed over return after their visibility timeout';
      this.ctx.logger.warn({ err: error, queues: this.queues }, why);
    });
  }

  /** kombu's binding of each queue to its direct exchange, as Python workers add it (spec §2.2). */
  private async declareBindings(): Promise<void> {
    const client = this.ctx.connection.command;
    await Promise.all(this.queues.map((queue) => client.sadd(this.ctx.keys.binding(queue), `${queue}${KOMBU_SEP}${KOMBU_SEP}${queue}`)));
  }
}

/** An inbox entry `<credits left>|<claim id>|<raw>` (see push.lua); undefined for a ring. */
function parseHanded(entry: Buffer): { creditsLeft: number; claimed: ClaimedMessage } | undefined {
  const first = entry.indexOf(BAR);
  if (first < 0) return undefined;
  const second = entry.indexOf(BAR, first + 1);
  return {
    creditsLeft: Number(entry.toString('latin1', 0, first)),
    claimed: { id: entry.toString('latin1', first + 1, second), deliveryCount: 1, raw: entry.subarray(second + 1) },
  };
}
