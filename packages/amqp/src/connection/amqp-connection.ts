import { EventEmitter, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionOptions } from 'node:tls';
import { Backoff, BrokerConnectionError, ConfigurationError, type Logger, tlsFailure } from '@tq/core';
import { type ChannelModel, connect } from 'amqplib';
import { amqpTlsOf } from '../amqp-tls-options.js';

/** Where the connection comes from: a URL tq dials (and redials, with `tls` for `amqps://`), or the user's own connection. */
export type ConnectionSource = { url: string; tls?: ConnectionOptions | undefined } | { connection: ChannelModel };

/** Events of an {@link AmqpConnection}. */
export interface AmqpConnectionEvents {
  /** A new connection is up after a loss: re-open channels and consumers on it. */
  reconnected: [ChannelModel];
}

/**
 * Delays between attempts to get a connection or channel back: 100 ms doubling to 2 s. The cap
 * bounds how long consumers stay idle after RabbitMQ is back (the chaos suite holds them to 5 s
 * after a restart); a refused connect every 2 s costs a down broker nothing.
 */
export function reconnectBackoff(): Backoff {
  return new Backoff(100, 2_000);
}

/**
 * The connection of a broker or backend config, which gives exactly one of `url` and `connection`.
 * It is described in logs and errors as `<what> at host:port`, never with the credentials.
 */
export function connectionOf(
  owner: string,
  what: string,
  config: { url?: string; connection?: ChannelModel; tls?: ConnectionOptions },
  logger: Logger,
): AmqpConnection {
  const { url, connection } = config;
  if (url !== undefined && connection === undefined)
    return new AmqpConnection(amqpTlsOf(url, config.tls), logger, `${what} at ${describeUrl(url)}`, describeUrl(url));
  if (connection !== undefined && url === undefined) return new AmqpConnection({ connection }, logger, `${what} (connection passed in)`);
  throw new ConfigurationError(
    `${owner} needs exactly one of 'url' (amqp://user:pass@host:5672/vhost) or 'connection' (your amqplib connection)`,
  );
}

/**
 * RabbitMQ's refusals that retrying cannot fix, named as such: wrong credentials (amqplib says
 * "ACCESS-REFUSED"), and a vhost that does not exist or the user may not use (the server closes the
 * connection at open, which amqplib reports as "Expected ConnectionOpenOk; got <ConnectionClose>").
 */
function refusal(description: string, url: string, cause: unknown): ConfigurationError | undefined {
  const message = (cause as Error).message ?? '';
  if (/ACCESS[-_]REFUSED/.test(message)) {
    return new ConfigurationError(`${description} refused the credentials in the URL (check the user name and password)`, { cause });
  }
  if (/Expected ConnectionOpenOk/.test(message)) {
    const vhost = vhostOf(url);
    return new ConfigurationError(
      `${description} refused virtual host '${vhost}': it does not exist or the user may not use it (create it, or grant the user access with rabbitmqctl set_permissions -p '${vhost}' ...)`,
      { cause },
    );
  }
  return undefined;
}

/** What a TLS handshake failure's message tells an AMQP user to do. */
const TLS_ADVICE = {
  trust: "pass the CA with the 'tls: { ca }' option or the URL's ?cacertfile=/path/to/ca.pem",
  plain: 'Use amqp:// for a plain-text port.',
};

/** The vhost an AMQP URL names: the path, `/` when empty (`amqp://host//` is `/` too). */
function vhostOf(url: string): string {
  try {
    const path = new URL(url).pathname;
    return path === '' || path === '/' ? '/' : decodeURIComponent(path.slice(1));
  } catch {
    return '?';
  }
}

function describeUrl(url: string): string {
  try {
    const { hostname, port, protocol } = new URL(url);
    return `${hostname}:${port || (protocol === 'amqps:' ? 5671 : 5672)}`;
  } catch {
    return 'the configured AMQP URL';
  }
}

/**
 * One AMQP connection that heals itself. When tq dialled it, an unexpected close starts a
 * reconnect loop ({@link reconnectBackoff}, until `close()`), and `reconnected` tells channel owners
 * to recover. A user-owned connection is never closed by tq and cannot be redialled: after it
 * closes, `ready()` fails with `BrokerConnectionError`. Core's runtime calls `open()` and `close()`
 * in order, so the connection does not guard against use before `open()`.
 */
export class AmqpConnection extends EventEmitter<AmqpConnectionEvents> {
  private model: ChannelModel | undefined;
  private closed = false;

  constructor(
    private readonly source: ConnectionSource,
    private readonly logger: Logger,
    private readonly description: string,
    /** `host:port`, when tq dialled the connection (never credentials). */
    readonly address?: string,
  ) {
    super();
    this.setMaxListeners(0);
  }

  /** Connect. A connect retried after a later step failed (say a declaration) keeps the connection it has. */
  async open(): Promise<void> {
    if (!this.model) await this.dial();
  }

  /** The live connection, waiting up to `timeoutMs` for a reconnect in progress. */
  async ready(timeoutMs: number): Promise<ChannelModel> {
    if (this.closed) throw new BrokerConnectionError(`${this.description} is closed`);
    if (this.model) return this.model;
    try {
      const [model] = await once(this, 'reconnected', { signal: AbortSignal.timeout(timeoutMs) });
      return model;
    } catch (cause) {
      throw new BrokerConnectionError(`${this.description} is down and did not come back within ${timeoutMs} ms`, { cause });
    }
  }

  /** The connection if it is up right now. */
  get current(): ChannelModel | undefined {
    return this.model;
  }

  /** False once `close()` was called or a user-owned connection closed for good. */
  get isOpen(): boolean {
    return !this.closed;
  }

  /** Stop reconnecting; close the connection when tq dialled it. */
  async close(): Promise<void> {
    this.closed = true;
    const model = this.model;
    this.model = undefined;
    if (model && 'url' in this.source) await model.close().catch(() => {});
  }

  private async dial(): Promise<ChannelModel> {
    if (!('url' in this.source)) {
      this.adopt(this.source.connection);
      return this.source.connection;
    }
    let model: ChannelModel;
    try {
      model = await connect(this.source.url, this.source.tls);
    } catch (cause) {
      throw (
        tlsFailure(cause, this.address ?? this.description, TLS_ADVICE) ??
        refusal(this.description, this.source.url, cause) ??
        new BrokerConnectionError(`Cannot connect to ${this.description}: ${(cause as Error).message}`, { cause })
      );
    }
    if (this.closed) {
      // close() ran while a reconnect was dialling.
      await model.close().catch(() => {});
      throw new BrokerConnectionError(`${this.description} was closed while connecting`);
    }
    this.adopt(model);
    return model;
  }

  private adopt(model: ChannelModel): void {
    this.model = model;
    // 'error' precedes 'close'; without a listener it would crash the process.
    model.on('error', (err: Error) => this.logger.warn({ err }, `${this.description}: connection error`));
    model.on('close', (err?: Error) => {
      if (this.model !== model) return;
      this.model = undefined;
      if (this.closed) return;
      if (!('url' in this.source)) {
        this.logger.error(
          { err },
          `${this.description}: the connection passed in was closed; tq cannot reopen a connection it does not own`,
        );
        this.closed = true;
        return;
      }
      this.logger.warn({ err }, `${this.description}: connection lost; reconnecting`);
      void this.reconnect();
    });
  }

  private async reconnect(): Promise<void> {
    const backoff = reconnectBackoff();
    while (!this.closed) {
      try {
        const model = await this.dial();
        this.logger.info(`${this.description}: reconnected`);
        this.emit('reconnected', model);
        return;
      } catch (err) {
        if (this.closed) return;
        const retryInMs = backoff.next();
        this.logger.warn({ err, retryInMs }, `${this.description}: reconnect failed`);
        await sleep(retryInMs);
      }
    }
  }
}
