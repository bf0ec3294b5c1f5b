import type { Logger } from '@tq/core';
import type { QueueKeys } from './key-space.js';
import type { RedisConnection } from './redis-connection.js';
import { scripts } from './redis-script.js';

const MAX_IDS_PER_CALL = 1000;
/** Acks issued within this long of the first go out together. */
const WINDOW_MS = 2;

/**
 * Pipelined acks. Acks issued within `WINDOW_MS` go out in one script call per queue, and `ack()`
 * does not wait for Redis' reply, like AMQP's `basic.ack`: the handler (and with it the worker's
 * slot) is free at once. The window batches acks of tasks that finish one after another too: a
 * write to a sleeping Redis costs far more than the ack itself. The result is stored before the
 * ack either way, and a lost ack only means a redelivery after the visibility timeout
 * (at-least-once); `drain()` sends what is pending and waits for every ack, which a graceful
 * `close()` does.
 */
export class AckBatcher {
  private pending = new Map<string, { keys: QueueKeys; ids: string[] }>();
  private scheduled = false;
  private readonly flushing = new Set<Promise<void>>();

  constructor(
    private readonly connection: RedisConnection,
    private readonly logger: Logger,
  ) {}

  ack(keys: QueueKeys, id: string): void {
    let batch = this.pending.get(keys.unacked);
    if (!batch) {
      batch = { keys, ids: [] };
      this.pending.set(keys.unacked, batch);
    }
    batch.ids.push(id);
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => this.flush(), WINDOW_MS);
    }
  }

  /** Resolves once every ack issued so far is stored (or failed). */
  async drain(): Promise<void> {
    if (this.scheduled) this.flush();
    await Promise.allSettled([...this.flushing]);
  }

  private flush(): void {
    if (!this.scheduled) return;
    this.scheduled = false;
    const batches = this.pending;
    this.pending = new Map();
    // Closed (forced) before the flush: nothing to write to; the messages come back after their deadline.
    if (this.connection.closed) return;
    const client = this.connection.command;
    for (const { keys, ids } of batches.values()) {
      // Lua's unpack() takes a few thousand arguments at most.
      for (let i = 0; i < ids.length; i += MAX_IDS_PER_CALL) {
        const chunk = ids.slice(i, i + MAX_IDS_PER_CALL);
        const sent = scripts.ack
          .run(client, keys.ackKeys, chunk)
          .then(
            () => {},
            (error: unknown) => {
              if (this.connection.closed) return;
              const lost = { err: error, queue: keys.unacked, acks: chunk.length };
              this.logger.error(lost, 'could not store acks; those messages run again after their visibility timeout');
            },
          )
          .finally(() => this.flushing.delete(sent));
        this.flushing.add(sent);
      }
    }
  }
}
