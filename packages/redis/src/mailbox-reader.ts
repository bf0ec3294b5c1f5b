import { randomUUID } from 'node:crypto';
import type { Logger } from '@tq/core';
import type { KeySpace } from './key-space.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisClient } from './redis-script.js';

/**
 * How long one BRPOP waits (s). Mailboxes opened meanwhile wake it (see the wake list), so this
 * only bounds how long a closed mailbox stays in the call, and paces the stall check.
 */
const BLOCK_SECONDS = 2;
/** A BRPOP that has not returned this long after its timeout is on a dead connection. */
const STALL_GRACE_MS = 3000;
/** Longest pause between attempts while Redis fails. */
const MAX_BACKOFF_MS = 1000;

/**
 * Reads every open reply mailbox of a broker with one BRPOP on one dedicated connection, opened
 * at the first mailbox and kept until the broker closes: a process holds one such connection
 * however many requests it has in flight, and none until it sends one (workers only reply).
 *
 * A BRPOP cannot be given more keys while it waits, so opening a mailbox pushes a token on this
 * reader's wake list (mailbox-open.lua), which is among the keys: the call returns and the next
 * one includes the new mailbox. Replies that arrive before that wait in their list.
 */
export class MailboxReader {
  /** Handlers of the open mailboxes, by list key. */
  private readonly mailboxes = new Map<string, (raw: Buffer) => void>();
  /** Where mailbox-open.lua wakes this reader. */
  readonly wakeKey: string;
  private client: Promise<RedisClient> | undefined;
  private looping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly connection: RedisConnection,
    keys: KeySpace,
    private readonly logger: Logger,
  ) {
    this.wakeKey = keys.mailboxWake(randomUUID());
  }

  /** Hand every entry popped from `list` to `handler` until {@link remove}. */
  add(list: string, handler: (raw: Buffer) => void): void {
    this.mailboxes.set(list, handler);
    if (this.looping || this.closed) return;
    this.looping = true;
    this.loopDone = this.loop();
  }

  /** Stop reading `list` (what its BRPOP pops meanwhile is dropped). The loop ends with the last one. */
  remove(list: string): void {
    this.mailboxes.delete(list);
  }

  /** Stop reading, delete the wake list, and close the connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.mailboxes.clear();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await this.connection.command.del(this.wakeKey);
    } catch {
      // The connection is gone: the wake list expires by itself (mailbox-open.lua).
    }
    // Releasing the connection ends a BRPOP in progress, and so the loop.
    await client.then((c) => this.connection.release(c)).catch(() => {});
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    let backoffMs = 0;
    try {
      while (!this.closed && this.mailboxes.size > 0) {
        try {
          const popped = await this.pop();
          backoffMs = 0;
          if (popped) this.deliver(popped[0].toString(), popped[1]);
        } catch (error) {
          if (this.closed) return;
          backoffMs = Math.min(backoffMs * 2 || 50, MAX_BACKOFF_MS);
          this.logger.warn({ err: error, retryInMs: backoffMs }, 'reading control replies from Redis failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, backoffMs));
        }
      }
    } finally {
      // In the same turn as the last check: a mailbox added from now on starts a new loop.
      this.looping = false;
    }
  }

  /** One BRPOP on the wake list and every open mailbox; reconnects the connection if it stalls. */
  private async pop(): Promise<[Buffer, Buffer] | null> {
    this.client ??= this.connection.dedicated('tq:mailboxes', { autoPipelining: false }).catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    const client = await this.client;
    // The call should have timed out long ago: the connection is dead without knowing it.
    // ioredis reconnects and sends the BRPOP again.
    const watchdog = setTimeout(() => client.disconnect(true), BLOCK_SECONDS * 1000 + STALL_GRACE_MS);
    try {
      return await client.brpopBuffer(this.wakeKey, ...this.mailboxes.keys(), BLOCK_SECONDS);
    } finally {
      clearTimeout(watchdog);
    }
  }

  private deliver(list: string, raw: Buffer): void {
    const handler = this.mailboxes.get(list);
    if (!handler) return; // the wake token, or a reply to a mailbox closed meanwhile
    try {
      handler(raw);
    } catch (error) {
      this.logger.warn({ err: error }, 'a control reply handler threw; the reply was dropped');
    }
  }
}
