import { type Delivery, fromEnvelope, MessageDecodeError, type NackOptions, type TaskMessage } from '@tq/core';
import type { BrokerContext } from './broker-context.js';
import type { QueueKeys } from './key-space.js';
import { tqPriorityOf } from './priority.js';
import { scripts } from './redis-script.js';

/** One claimed message as `claim.lua` returned it. */
export interface ClaimedMessage {
  id: string;
  deliveryCount: number;
  raw: Buffer;
}

/** What `ack()` returns: one shared resolved promise, not a new one per message. */
const QUEUED = Promise.resolve();

/**
 * One delivery of a claimed message, identified by its claim id. Settling is a no-op after the
 * first settle, and on Redis when the claim is stale (its deadline passed and the message was
 * restored for someone else): the scripts only touch ids still in flight.
 */
export class RedisDelivery implements Delivery {
  readonly message: TaskMessage | undefined;
  readonly decodeError: MessageDecodeError | undefined;
  readonly raw: Uint8Array;
  readonly deliveryCount: number;
  readonly visibilityTimeoutMs: number;
  private readonly claimId: string;
  private settled = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly keys: QueueKeys,
    readonly queue: string,
    claimed: ClaimedMessage,
    private readonly onSettle: (delivery: RedisDelivery) => void,
  ) {
    this.claimId = claimed.id;
    this.raw = claimed.raw;
    this.deliveryCount = claimed.deliveryCount;
    this.visibilityTimeoutMs = ctx.visibilityTimeoutMs;
    try {
      const message = fromEnvelope(claimed.raw);
      // Stored as kombu's priority (0 first); tq code reads tq's (9 first).
      message.properties.priority = tqPriorityOf(message.properties.priority);
      this.message = message;
    } catch (error) {
      this.decodeError = error instanceof MessageDecodeError ? error : new MessageDecodeError(String(error), { cause: error });
    }
  }

  /** Resolves once the ack is queued (see AckBatcher: acks are pipelined, not awaited one by one). */
  ack(): Promise<void> {
    if (this.settle()) this.ctx.acks.ack(this.keys, this.claimId);
    return QUEUED;
  }

  async nack(options: NackOptions = {}): Promise<void> {
    if (!this.settle()) return;
    if (options.requeue === false) return this.ctx.acks.ack(this.keys, this.claimId);
    const delayMs = Math.max(0, options.delayMs ?? 0);
    const args = delayMs > 0 ? [this.claimId, 'delay', delayMs, this.ctx.uniqueId()] : [this.claimId, 'requeue', 0, ''];
    await this.unlessClosed(async () => {
      await scripts.settle.run(this.ctx.connection.command, this.keys.settleKeys, args);
      // Idle consumers learn about the message (or its new due time) now rather than at their next poll.
      await this.ctx.ring(this.queue);
    });
  }

  async deadLetter(reason: string): Promise<void> {
    if (!this.settle()) return;
    const header = JSON.stringify({ reason, queue: this.queue, time: Date.now() / 1000 });
    await this.unlessClosed(() =>
      scripts.settle.run(this.ctx.connection.command, this.keys.settleKeys, [this.claimId, 'dead', header, this.ctx.deadLetterLimit]),
    );
  }

  /** Called by core's heartbeat every third of `visibilityTimeoutMs` while the delivery is held. */
  async extendVisibility(ms: number): Promise<void> {
    if (this.settled || this.ctx.connection.closed) return;
    await this.unlessClosed(() =>
      scripts.extend.run(this.ctx.connection.command, [this.keys.unackedIndex], [Math.max(1, Math.round(ms)), this.claimId]),
    );
  }

  /** Give the message back untouched, at the front, without counting this delivery (closing consumers). */
  async release(): Promise<void> {
    if (!this.settle()) return;
    await this.unlessClosed(() => scripts.settle.run(this.ctx.connection.command, this.keys.settleKeys, [this.claimId, 'release', 0, '']));
  }

  /**
   * Run a Redis call; if it fails because the broker was closed meanwhile (a forced close drops
   * pending commands), settle quietly: the message is still in flight and comes back after its
   * deadline, exactly as if this process had died. Other failures are the caller's to see.
   */
  private async unlessClosed(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (!this.ctx.connection.closed) throw error;
    }
  }

  /** True exactly once; false too when the broker is closed (the message comes back after its deadline). */
  private settle(): boolean {
    if (this.settled || this.ctx.connection.closed) return false;
    this.settled = true;
    this.onSettle(this);
    return true;
  }
}
