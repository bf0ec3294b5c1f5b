import type { QueueKeys } from './key-space.js';
import type { RedisConnection } from './redis-connection.js';
import { scripts } from './redis-script.js';

const MAX_IDS_PER_CALL = 1000;

/** Acks of one queue waiting for the next flush. */
interface Batch {
  keys: QueueKeys;
  ids: string[];
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces acks: every ack issued before the next turn of the event loop goes out in one script
 * call per queue (at concurrency 100, one round trip acks dozens of messages). Each `ack()`
 * resolves when its batch is stored.
 */
export class AckBatcher {
  private batches = new Map<string, Batch>();
  private scheduled = false;
  private readonly flushing = new Set<Promise<void>>();

  constructor(private readonly connection: RedisConnection) {}

  ack(keys: QueueKeys, id: string): Promise<void> {
    let batch = this.batches.get(keys.unacked);
    if (!batch) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      batch = { keys, ids: [], done, resolve, reject };
      this.batches.set(keys.unacked, batch);
    }
    batch.ids.push(id);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return batch.done;
  }

  /** Resolves once every ack issued so far is stored (or failed). */
  async drain(): Promise<void> {
    if (this.scheduled) this.flush();
    await Promise.allSettled([...this.flushing]);
  }

  private flush(): void {
    this.scheduled = false;
    const batches = this.batches;
    this.batches = new Map();
    for (const batch of batches.values()) {
      const send = () => {
        // Closed (forced) before the flush: nothing to write to; the messages come back after their deadline.
        if (this.connection.closed) return;
        const client = this.connection.command;
        const calls: Promise<unknown>[] = [];
        // Lua's unpack() takes a few thousand arguments at most.
        for (let i = 0; i < batch.ids.length; i += MAX_IDS_PER_CALL) {
          calls.push(scripts.ack.run(client, batch.keys.ackKeys, batch.ids.slice(i, i + MAX_IDS_PER_CALL)));
        }
        return Promise.all(calls);
      };
      const sent = Promise.resolve()
        .then(send)
        .then(() => batch.resolve(), batch.reject)
        .finally(() => this.flushing.delete(sent));
      this.flushing.add(sent);
    }
  }
}
