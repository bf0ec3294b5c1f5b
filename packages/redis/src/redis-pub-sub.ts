import type { RedisConnection } from './redis-connection.js';
import type { RedisClient } from './redis-script.js';

/** Receives a message published on a channel, as bytes. */
export type ChannelListener = (message: Buffer) => void;

/**
 * One shared subscriber connection for many listeners (Redis pub/sub monopolizes a connection):
 * a channel is SUBSCRIBEd while it has listeners. ioredis re-subscribes after reconnecting.
 */
export class RedisPubSub {
  private client: Promise<RedisClient> | undefined;
  private readonly listeners = new Map<string, Set<ChannelListener>>();

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
    // Subscribing again when already subscribed is harmless and waits for the server's confirmation.
    await client.subscribe(channel);
    return async () => {
      if (!set.delete(listener) || set.size > 0 || this.listeners.get(channel) !== set) return;
      this.listeners.delete(channel);
      // Not awaited: the listener is already gone, and a later SUBSCRIBE on this connection is
      // ordered after this UNSUBSCRIBE, so nobody needs to wait a round trip for it.
      client.unsubscribe(channel).catch(() => {});
    };
  }

  /** Drop every listener and the connection. */
  close(): void {
    this.listeners.clear();
    const client = this.client;
    this.client = undefined;
    void client?.then((c) => this.connection.release(c)).catch(() => {});
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
