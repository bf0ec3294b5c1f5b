import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerConnectionError } from '@tq/core';
import { type ChannelModel, connect } from 'amqplib';
import type { AmqpLogger } from '../logger.js';

/** Where the connection comes from: a URL tq dials (and redials), or the user's own connection. */
export type ConnectionSource = { url: string } | { connection: ChannelModel };

/** Events of an {@link AmqpConnection}. */
export interface AmqpConnectionEvents {
  /** A new connection is up after a loss: re-open channels and consumers on it. */
  reconnected: [ChannelModel];
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * One AMQP connection that heals itself. When tq dialled it, an unexpected close starts a
 * reconnect loop (100 ms doubling to 5 s, until `close()`), and `reconnected` tells channel owners
 * to recover. A user-owned connection is never closed by tq and cannot be redialled: after it
 * closes, `ready()` fails with `BrokerConnectionError`.
 */
export class AmqpConnection extends EventEmitter<AmqpConnectionEvents> {
  private model: ChannelModel | undefined;
  private opening: Promise<ChannelModel> | undefined;
  private waiters: ((model: ChannelModel) => void)[] = [];
  private reconnecting = false;
  private closed = false;

  constructor(
    private readonly source: ConnectionSource,
    private readonly logger: AmqpLogger,
    private readonly description: string,
  ) {
    super();
    this.setMaxListeners(0);
  }

  /** Connect the first time (idempotent, concurrent-safe; retryable after a failure). */
  open(): Promise<ChannelModel> {
    if (this.model) return Promise.resolve(this.model);
    this.opening ??= this.dial().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** The live connection, waiting up to `timeoutMs` for a reconnect in progress. */
  async ready(timeoutMs: number): Promise<ChannelModel> {
    if (this.closed) throw new BrokerConnectionError(`${this.description} is closed`);
    if (this.model) return this.model;
    if (!this.reconnecting) return this.open();
    let waiter!: (model: ChannelModel) => void;
    const next = new Promise<ChannelModel>((resolve) => {
      waiter = resolve;
      this.waiters.push(resolve);
    });
    const timer = sleep(timeoutMs, undefined, { ref: false }).then(() => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      throw new BrokerConnectionError(`${this.description} is down and did not come back within ${timeoutMs} ms`);
    });
    return Promise.race([next, timer]);
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
    if (this.closed) return;
    this.closed = true;
    const model = this.model;
    this.model = undefined;
    if (model && 'url' in this.source) await model.close().catch(() => {});
  }

  private async dial(): Promise<ChannelModel> {
    if (this.closed) throw new BrokerConnectionError(`${this.description} is closed`);
    if (!('url' in this.source)) {
      this.adopt(this.source.connection);
      return this.source.connection;
    }
    let model: ChannelModel;
    try {
      model = await connect(this.source.url);
    } catch (cause) {
      throw new BrokerConnectionError(`Cannot connect to ${this.description}: ${(cause as Error).message}`, { cause });
    }
    if (this.closed) {
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
    this.reconnecting = true;
    for (let delay = FIRST_RETRY_MS; !this.closed; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
      try {
        const model = await this.dial();
        this.reconnecting = false;
        const waiters = this.waiters;
        this.waiters = [];
        for (const resolve of waiters) resolve(model);
        this.emit('reconnected', model);
        return;
      } catch (err) {
        if (this.closed) break;
        this.logger.warn({ err, retryInMs: delay }, `${this.description}: reconnect failed`);
        await sleep(delay);
      }
    }
    this.reconnecting = false;
  }
}
