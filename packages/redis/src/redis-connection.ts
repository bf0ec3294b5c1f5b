import { BrokerConnectionError } from '@tq/core';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { parseRedisUrl } from './parse-redis-url.js';
import { preloadScripts, type RedisClient } from './redis-script.js';

/** How a broker or backend reaches Redis: a URL (tq creates and closes the clients) or a client of yours. */
export interface RedisConnectionConfig {
  /**
   * `redis://host:port/db`, `rediss://...`; a cluster with `?cluster=true` (more seeds with
   * `&nodes=h2:p2`) or `redis://h1:p1,h2:p2?cluster=true`. Default `redis://127.0.0.1:6379/0`.
   */
  url?: string | URL;
  /**
   * Your own connected or lazy ioredis `Redis` or `Cluster`. tq never closes it; the extra
   * connections tq needs (blocking reads, pub/sub) are `duplicate()`s of it, which tq closes.
   */
  client?: RedisClient;
  /** Extra ioredis options for the clients tq creates from `url`. */
  redisOptions?: RedisOptions;
}

/**
 * The command connection of a broker or backend, plus the dedicated connections it duplicates
 * from it (a blocking call or a subscription monopolizes a connection). Knows which ones tq owns.
 */
export class RedisConnection {
  readonly cluster: boolean;
  /** Database number, for kombu's pub/sub channel names. */
  readonly db: number;
  private client: RedisClient | undefined;
  private readonly owned = new Set<RedisClient>();
  private connecting: Promise<RedisClient> | undefined;
  /** Last connection error seen on any of our clients (for `health()`). */
  lastError: Error | undefined;

  constructor(private readonly config: RedisConnectionConfig) {
    if (config.client) {
      this.cluster = config.client instanceof Cluster;
      this.db = config.client instanceof Cluster ? 0 : (config.client.options.db ?? 0);
    } else {
      const url = parseRedisUrl(config.url ?? 'redis://127.0.0.1:6379/0');
      this.cluster = url.cluster;
      this.db = url.db;
    }
  }

  /** Connect the command connection (idempotent, concurrent-safe, retryable after failure). */
  connect(): Promise<RedisClient> {
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw new BrokerConnectionError(`Cannot connect to Redis: ${(error as Error).message}`, { cause: error });
    });
    return this.connecting;
  }

  /** The connected command client. */
  get command(): RedisClient {
    if (!this.client) throw new BrokerConnectionError('Not connected to Redis: call connect() first');
    return this.client;
  }

  /**
   * A new connection like the command one, owned (and closed) by tq. `autoPipelining: false` sends
   * each command the moment it is issued (default: like the command connection).
   */
  async dedicated(name: string, options: { autoPipelining?: boolean } = {}): Promise<RedisClient> {
    const source = this.command;
    const pipelining = options.autoPipelining === false ? { enableAutoPipelining: false } : {};
    const client =
      source instanceof Cluster
        ? source.duplicate(undefined, pipelining)
        : source.duplicate({ lazyConnect: true, connectionName: name, ...pipelining });
    this.watchErrors(client);
    this.owned.add(client);
    if (client.status === 'wait') await client.connect();
    await warmUp(client);
    return client;
  }

  /** Close a dedicated connection now. */
  release(client: RedisClient): void {
    this.owned.delete(client);
    client.disconnect();
  }

  /** Close every connection tq created (gracefully unless `force`); a client passed in stays open. */
  async close(force = false): Promise<void> {
    const clients = [...this.owned];
    this.owned.clear();
    this.connecting = undefined;
    this.client = undefined;
    await Promise.all(
      clients.map(async (client) => {
        if (force || client.status !== 'ready') return client.disconnect();
        await client.quit().catch(() => client.disconnect());
      }),
    );
  }

  /** True before `connect()` and after `close()`. */
  get closed(): boolean {
    return this.client === undefined;
  }

  /** `ready` when the command connection is up. */
  get status(): string {
    return this.client?.status ?? 'closed';
  }

  private async open(): Promise<RedisClient> {
    const client = this.config.client ?? this.create();
    if (!this.config.client) this.owned.add(client);
    this.watchErrors(client);
    if (client.status === 'wait') await client.connect();
    else if (client.status !== 'ready')
      await new Promise<void>((resolve, reject) => {
        client.once('ready', resolve);
        client.once('end', () => reject(new Error('connection ended')));
      });
    await warmUp(client);
    await preloadScripts(client);
    // After a reconnect the server may be a restarted one with an empty script cache.
    client.on('ready', () => {
      preloadScripts(client).catch((error: unknown) => {
        this.lastError = error as Error;
      });
    });
    this.client = client;
    return client;
  }

  private create(): RedisClient {
    const url = parseRedisUrl(this.config.url ?? 'redis://127.0.0.1:6379/0');
    const common: RedisOptions = {
      username: url.username,
      password: url.password,
      ...(url.tls ? { tls: {} } : {}),
      lazyConnect: true,
      // Commands issued in the same tick go out in one write: publishes, acks and claims batch for free.
      enableAutoPipelining: true,
      ...this.config.redisOptions,
    };
    if (!url.cluster) return new Redis({ ...common, host: url.nodes[0]?.host, port: url.nodes[0]?.port, db: url.db });
    const options: ClusterOptions = { lazyConnect: true, enableAutoPipelining: true, scaleReads: 'master', redisOptions: common };
    return new Cluster(url.nodes, options);
  }

  private watchErrors(client: RedisClient): void {
    // Without a listener ioredis prints every reconnect attempt; keep the last one for health().
    client.on('error', (error: Error) => {
      this.lastError = error;
    });
  }
}

/** A cluster client opens node connections on first use; open them now, not on the first publish. */
async function warmUp(client: RedisClient): Promise<void> {
  if (client instanceof Cluster) await Promise.all(client.nodes('master').map((node) => node.ping()));
}
