import type { ResultMeta } from '@tq/core';
import { parseRecord } from './parse-record.js';
import type { RedisPubSub } from './redis-pub-sub.js';

/** A newline: the separator between the task id and the record on the reply channel. */
const NEWLINE = 0x0a;

/**
 * The app's reply channel: workers publish the record of every task this app sent there too, up
 * to 64 KiB (set-result.lua, by the message's `reply_to`; a bigger one comes on the key's channel
 * only). It is subscribed once, at the first watch, and
 * kept, so a result is pushed to a caller without a SUBSCRIBE per task racing the worker.
 * Records of tasks nobody watches are dropped without being parsed.
 */
export class RedisReplies {
  private readonly listeners = new Map<string, Set<(meta: ResultMeta) => void>>();
  private subscribed: Promise<unknown> | undefined;

  constructor(
    private readonly pubsub: RedisPubSub,
    private readonly channel: string,
  ) {}

  /** Call `listener` with the records of `taskId` arriving from now on. Returns the remover. */
  listen(taskId: string, listener: (meta: ResultMeta) => void): () => void {
    // Not awaited, and a failure only means trying again next time: until it is live, the key's
    // own channel (which the backend watches as well) delivers.
    this.subscribed ??= this.pubsub
      .listen(this.channel, (message) => this.dispatch(message))
      .catch(() => {
        this.subscribed = undefined;
      });
    let set = this.listeners.get(taskId);
    if (!set) {
      set = new Set();
      this.listeners.set(taskId, set);
    }
    set.add(listener);
    return () => {
      if (set.delete(listener) && set.size === 0 && this.listeners.get(taskId) === set) this.listeners.delete(taskId);
    };
  }

  private dispatch(message: Buffer): void {
    const newline = message.indexOf(NEWLINE);
    if (newline < 0) return;
    const set = this.listeners.get(message.toString('utf8', 0, newline));
    if (!set) return;
    const meta = parseRecord(message.toString('utf8', newline + 1));
    if (meta) for (const listener of [...set]) listener(meta);
  }
}
