import type { ConnectionOptions } from 'node:tls';
import { BrokerConnectionError, ConfigurationError, type Logger, TqError, tlsFailure } from '@tq/core';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { connectNamingTlsMismatch, type RedisTarget } from './connect-naming-tls-mismatch.js';
import { ConnectionWatch } from './connection-watch.js';
import { parseRedisUrl, type RedisUrl } from './parse-redis-url.js';
import { preloadScripts, type RedisClient } from './redis-script.js';
import { redisTlsOptions } from './redis-tls-options.js';

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
  /**
   * TLS settings of the clients tq creates from a `rediss://` URL (refused with `redis://`): `ca`
   * (PEM of the CA that signed the server's certificate, when it is not a public one), `cert` and
   * `key` (a client certificate, for servers that ask for one), `servername`, `rejectUnauthorized`
   * (`false` skips verification: never in production). Wins over the URL's `ssl_ca_certs`,
   * `ssl_certfile`, `ssl_keyfile` and `ssl_cert_reqs` (redis-py's and Celery's names). Default: the
   * URL's, else Node's public CAs and full verification.
   */
  tls?: ConnectionOptions;
  /**
   * Where connection loss, reconnects and background errors are logged (pass your app's
   * `app.logger`; a URL given to `createApp` gets it by itself). Default `defaultLogger()`.
   */
  logger?: Logger;
}

/**
 * The command connection of a broker or backend, plus the dedicated connections it duplicates
 * from it (a blocking call or a subscription monopolizes a connection). Knows which ones tq owns,
 * and logs every one's losses and recoveries (see {@link ConnectionWatch}).
 */
export class RedisConnection {
  readonly cluster: boolean;
  /** Database number, for kombu's pub/sub channel names. */
  readonly db: number;
  /** `host:port` (a cluster: its seeds), for logs and errors; never credentials. */
  readonly address: string;
  private client: RedisClient | undefined;
  /** The clients tq created (and closes), with their watches. */
  private readonly owned = new Map<RedisClient, ConnectionWatch>();
  private userWatch: ConnectionWatch | undefined;
  /** Last connection error seen on any of our clients (for `health()`). */
  lastError: Error | undefined;
  /** The parsed URL of clients tq creates (undefined for a client passed in). */
  private readonly url: RedisUrl | undefined;
  /** TLS options of clients tq creates; undefined for `redis://`. */
  private readonly tls: ConnectionOptions | undefined;

  constructor(
    private readonly config: RedisConnectionConfig,
    private readonly logger: Logger,
  ) {
    const client = config.client;
    if (client) {
      this.cluster = client instanceof Cluster;
      this.db = client instanceof Cluster ? 0 : (client.options.db ?? 0);
      const nodes = client instanceof Cluster ? client.nodes() : [client];
      this.address = nodes.map((node) => node.options.path ?? `${node.options.host}:${node.options.port}`).join(',') || 'cluster';
    } else {
      const url = parseRedisUrl(config.url ?? 'redis://127.0.0.1:6379/0');
      this.cluster = url.cluster;
      this.db = url.db;
      this.address = url.nodes.map((node) => `${node.host}:${node.port}`).join(',');
      this.url = url;
      this.tls = redisTlsOptions(url.params, url.tls, config.tls);
    }
  }

  /** Connect the command connection. A failed connect leaves nothing running (it is never closed). */
  async connect(): Promise<void> {
    if (this.client) return;
    const client = this.config.client ?? this.create();
    const watch = this.watch(client, 'command', () => {
      // After a reconnect the server may be a restarted one with an empty script cache.
      preloadScripts(client).catch((error: unknown) =>
        this.logger.warn({ err: error }, 'could not preload scripts; they load on first use'),
      );
    });
    try {
      if (client.status === 'wait') await (this.target ? connectNamingTlsMismatch(client, this.target) : client.connect());
      else if (client.status !== 'ready')
        await new Promise<void>((resolve, reject) => {
          client.once('ready', resolve);
          client.once('end', () => reject(new Error('connection ended')));
        });
      await checkDatabase(client, this.db, this.address);
      await warmUp(client);
      await preloadScripts(client);
    } catch (error) {
      if (this.config.client) watch.detach();
      else {
        watch.stop();
        client.disconnect();
      }
      if (TqError.is(error)) throw error;
      throw (
        tlsFailure(error, this.address, TLS_ADVICE) ??
        new BrokerConnectionError(`Cannot connect to Redis at ${this.address}: ${(error as Error).message}`, { cause: error })
      );
    }
    if (this.config.client) this.userWatch = watch;
    else this.owned.set(client, watch);
    this.client = client;
  }

  /** The connected command client. */
  get command(): RedisClient {
    if (!this.client) throw new BrokerConnectionError(`The connection to Redis at ${this.address} is closed`);
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
    this.owned.set(client, this.watch(client, name));
    if (client.status === 'wait') await client.connect();
    await warmUp(client);
    return client;
  }

  /** Close a dedicated connection now. */
  release(client: RedisClient): void {
    this.owned.get(client)?.stop();
    this.owned.delete(client);
    client.disconnect();
  }

  /** Close every connection tq created (gracefully unless `force`); a client passed in stays open. */
  async close(force = false): Promise<void> {
    const clients = [...this.owned];
    this.owned.clear();
    this.userWatch?.detach();
    this.userWatch = undefined;
    this.client = undefined;
    await Promise.all(
      clients.map(async ([client, watch]) => {
        watch.stop();
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

  /** The first seed, for naming a scheme that does not match its port (clients tq creates only). */
  private get target(): RedisTarget | undefined {
    const node = this.url?.nodes[0];
    if (!this.url || !node || this.config.client) return undefined;
    return { host: node.host, port: node.port, tls: this.url.tls, address: this.address };
  }

  private create(): RedisClient {
    const url = this.url ?? parseRedisUrl(this.config.url ?? 'redis://127.0.0.1:6379/0');
    const common: RedisOptions = {
      username: url.username,
      password: url.password,
      ...(this.tls ? { tls: this.tls } : {}),
      lazyConnect: true,
      // Commands issued in the same tick go out in one write: publishes, acks and claims batch for free.
      enableAutoPipelining: true,
      ...this.config.redisOptions,
    };
    if (!url.cluster) return new Redis({ ...common, host: url.nodes[0]?.host, port: url.nodes[0]?.port, db: url.db });
    const options: ClusterOptions = { lazyConnect: true, enableAutoPipelining: true, scaleReads: 'master', redisOptions: common };
    return new Cluster(url.nodes, options);
  }

  /** Log the client's connection trouble; keep its last error for health() (and ioredis from printing it). */
  private watch(client: RedisClient, name: string, onReconnect?: () => void): ConnectionWatch {
    const onError = (error: Error) => {
      this.lastError = error;
    };
    return new ConnectionWatch(client, this.logger, { redis: this.address, connection: name }, { onError, onReconnect });
  }
}

/** What a TLS handshake failure's message tells a Redis user to do. */
const TLS_ADVICE = {
  trust: "pass the CA with the 'tls: { ca }' option or the URL's ?ssl_ca_certs=/path/to/ca.pem",
  plain: 'Use redis:// for a plain-text port.',
};

/**
 * ioredis carries on in database 0 when its SELECT fails, so a URL naming a database the server
 * does not have (`redis://host/99`) would silently share db 0 with others: refuse it instead.
 */
async function checkDatabase(client: RedisClient, db: number, address: string): Promise<void> {
  if (client instanceof Cluster || db === 0) return;
  try {
    await client.select(db);
  } catch (error) {
    throw new ConfigurationError(
      `Redis at ${address} has no database ${db} (the URL path): ${(error as Error).message}. Use one below its 'databases' setting (16 by default).`,
      { cause: error },
    );
  }
}

/** A cluster client opens node connections on first use; open them now, not on the first publish. */
async function warmUp(client: RedisClient): Promise<void> {
  if (client instanceof Cluster) await Promise.all(client.nodes('master').map((node) => node.ping()));
}
