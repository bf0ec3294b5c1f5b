import type { RedisConnection } from './redis-connection.js';
import type { RedisClient } from './redis-script.js';

/** Unsubscribes within this long of each other go out as one command. */
const UNSUBSCRIBE_WINDOW_MS = 10;

/** Receives a message published on a channel, as bytes. */
export type ChannelListener = (message: Buffer) => void;

/**
 * One shared subscriber connection for many listeners (Redis pub/sub monopolizes a connection):
 * a channel is SUBSCRIBEd while it has listeners. ioredis re-subscribes after reconnecting.
 * Channels left are UNSUBSCRIBEd together a few ms later (a caller waiting on one result after
 * another would otherwise pay a write per result), and one listened to again meanwhile stays.
 */
export class RedisPubSub {
  private client: Promise<RedisClient> | undefined;
  private readonly listeners = new Map<string, Set<ChannelListener>>();
  /** Channels without listeners, still subscribed until the next flush. */
  private readonly leaving = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly connection: RedisConnection) {}

  /** Listen on `channel`; resolves once the subscription is live. Returns the unsubscriber. */
  async listen(channel: string, listener: ChannelListener): Promise<() => Promise<void>> {
    const client = await this.subscriber();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    // Still subscribed (left moments ago): nothing to send. Otherwise subscribing again when
    // already subscribed is harmless and waits for the server's confirmation.
    if (!this.leaving.delete(channel)) await client.subscribe(channel);
    return async () => {
      if (!set.delete(listener) || set.size > 0 || this.listeners.get(channel) !== set) return;
      this.listeners.delete(channel);
      this.leaving.add(channel);
      this.flushTimer ??= setTimeout(() => this.unsubscribeLeaving(client), UNSUBSCRIBE_WINDOW_MS);
    };
  }

  /** Drop every listener and the connection. */
  close(): void {
    this.listeners.clear();
    this.leaving.clear();
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const client = this.client;
    this.client = undefined;
    void client?.then((c) => this.connection.release(c)).catch(() => {});
  }

  private unsubscribeLeaving(client: RedisClient): void {
    this.flushTimer = undefined;
    if (this.leaving.size === 0) return;
    const channels = [...this.leaving];
    this.leaving.clear();
    // Not awaited: the listeners are gone, and a later SUBSCRIBE on this connection is ordered
    // after this UNSUBSCRIBE, so nobody needs to wait a round trip for it.
    client.unsubscribe(...channels).catch(() => {});
  }

  private subscriber(): Promise<RedisClient> {
    this.client ??= this.connection.dedicated('tq:subscriber').then((client) => {
      client.on('messageBuffer', (channel: Buffer, message: Buffer) => {
        for (const listener of this.listeners.get(channel.toString()) ?? []) listener(message);
      });
      return client;
    });
    return this.client;
  }
}
