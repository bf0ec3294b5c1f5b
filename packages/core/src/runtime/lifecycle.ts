import { BrokerConnectionError } from '../errors/broker-connection-error.js';
import { ConfigurationError } from '../errors/configuration-error.js';

const CONNECTED = Promise.resolve();

/**
 * The connect/close state machine every broker and backend goes through, kept once in core:
 * - `connect()` runs the transport's connect once, shared by concurrent callers;
 * - a failed connect can be tried again (a broker down at start-up must not poison the app);
 * - `close()` during `connect()` waits for it to settle, then closes what it opened;
 * - `close()` runs once; anything after it fails with a clear error, and so does use before connect.
 */
export class Lifecycle {
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private opened = false;

  /** @param what names the component in errors, e.g. `The broker (RedisBroker)`. */
  constructor(private readonly what: string) {}

  /** True between a successful connect and the start of close. */
  get isOpen(): boolean {
    return this.opened && this.closing === undefined;
  }

  /** True once close began. */
  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  connect(open: () => Promise<void>): Promise<void> {
    if (this.closing) return Promise.reject(this.closedError('connect()'));
    if (this.opened) return CONNECTED;
    this.connecting ??= open().then(
      () => {
        this.opened = true;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  /** Close once; `shut` runs only when a connect succeeded (a never-used component is not connected to close it). */
  close(shut: () => Promise<void>): Promise<void> {
    this.closing ??= (async () => {
      if (this.connecting) await this.connecting.catch(() => undefined);
      if (this.opened) await shut();
    })();
    return this.closing;
  }

  /** Throws unless open: before connect, a BrokerConnectionError; after close, a ConfigurationError. */
  assertOpen(operation: string): void {
    if (this.opened && this.closing === undefined) return;
    if (this.closing) throw this.closedError(operation);
    throw new BrokerConnectionError(`${this.what} is not connected: call connect() before ${operation}.`);
  }

  private closedError(operation: string): ConfigurationError {
    return new ConfigurationError(`${this.what} was closed, so ${operation} cannot run; create a new one.`);
  }
}
