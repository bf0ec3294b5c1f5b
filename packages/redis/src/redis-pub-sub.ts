import type { RedisConnection } from './redis-connection.js';
import type { RedisClient } from './redis-script.js';

/** Unsubscribes within this long of each other go out as one command. */
const UNSUBSCRIBE_WINDOW_MS = 10;

/** Receives a message published on a channel, as bytes. */
export type ChannelListener = (message: Buffer) => void;

/** Receives a message published on a channel matching a pattern, with the channel's name. */
export type PatternListener = (message: Buffer, channel: string) => void;

/** Channels (SUBSCRIBE) and patterns (PSUBSCRIBE) are kept apart, exactly as Redis does. */
type Kind = 'channel' | 'pattern';

/**
 * One shared subscriber connection for many listeners (Redis pub/sub monopolizes a connection):
 * a channel is SUBSCRIBEd (a pattern PSUBSCRIBEd) while it has listeners. ioredis re-subscribes
 * both after reconnecting. Channels left are UNSUBSCRIBEd together a few ms later (a caller waiting
 * on one result after another would otherwise pay a write per result), and one listened to again
 * meanwhile stays.
 */
export class RedisPubSub {
  private client: Promise<RedisClient> | undefined;
  private readonly listeners: Record<Kind, Map<string, Set<PatternListener>>> = { channel: new Map(), pattern: new Map() };
  /** Channels and patterns without listeners, still subscribed until the next flush. */
  private readonly leaving: Record<Kind, Set<string>> = { channel: new Set(), pattern: new Set() };
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly connection: RedisConnection) {}

  /** Listen on `channel`; resolves once the subscription is live. Returns the unsubscriber. */
  listen(channel: string, listener: ChannelListener): Promise<() => Promise<void>> {
    return this.add('channel', channel, listener);
  }

  /** Listen on every channel matching the glob `pattern` (PSUBSCRIBE); like {@link listen}. */
  listenPattern(pattern: string, listener: PatternListener): Promise<() => Promise<void>> {
    return this.add('pattern', pattern, listener);
  }

  /** Drop every listener and the connection. */
  close(): void {
    for (const kind of ['channel', 'pattern'] as const) {
      this.listeners[kind].clear();
      this.leaving[kind].clear();
    }
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const client = this.client;
    this.client = undefined;
    void client?.then((c) => this.connection.release(c)).catch(() => {});
  }

  private async add(kind: Kind, name: string, listener: PatternListener): Promise<() => Promise<void>> {
    const client = await this.subscriber();
    const listeners = this.listeners[kind];
    let set = listeners.get(name);
    if (!set) {
      set = new Set();
      listeners.set(name, set);
    }
    set.add(listener);
    // Still subscribed (left moments ago): nothing to send. Otherwise subscribing again when
    // already subscribed is harmless and waits for the server's confirmation.
    if (!this.leaving[kind].delete(name)) await (kind === 'channel' ? client.subscribe(name) : client.psubscribe(name));
    return async () => {
      if (!set.delete(listener) || set.size > 0 || listeners.get(name) !== set) return;
      listeners.delete(name);
      this.leaving[kind].add(name);
      this.flushTimer ??= setTimeout(() => this.unsubscribeLeaving(client), UNSUBSCRIBE_WINDOW_MS);
    };
  }

  private unsubscribeLeaving(client: RedisClient): void {
    this.flushTimer = undefined;
    const channels = [...this.leaving.channel];
    const patterns = [...this.leaving.pattern];
    this.leaving.channel.clear();
    this.leaving.pattern.clear();
    // Not awaited: the listeners are gone, and a later SUBSCRIBE on this connection is ordered
    // after this UNSUBSCRIBE, so nobody needs to wait a round trip for it.
    if (channels.length > 0) client.unsubscribe(...channels).catch(() => {});
    if (patterns.length > 0) client.punsubscribe(...patterns).catch(() => {});
  }

  private subscriber(): Promise<RedisClient> {
    this.client ??= this.connection.dedicated('tq:subscriber').then((client) => {
      client.on('messageBuffer', (channel: Buffer, message: Buffer) => {
        const name = channel.toString();
        for (const listener of this.listeners.channel.get(name) ?? []) listener(message, name);
      });
      client.on('pmessageBuffer', (pattern: Buffer, channel: Buffer, message: Buffer) => {
        const listeners = this.listeners.pattern.get(pattern.toString());
        if (!listeners) return;
        const name = channel.toString();
        for (const listener of listeners) listener(message, name);
      });
      return client;
    });
    return this.client;
  }
}
