import type { Logger } from '@tq/core';
import type { RedisClient } from './redis-script.js';

type Listener = (...args: never[]) => void;

/**
 * Makes one client's connection trouble visible in the app's log (reconnect storms used to be
 * silent): loss and reconnect attempts at warn, recovery at info, ioredis giving up at error. The
 * server is named as `host:port` only, never with credentials. Attempts are logged at 1, 2, 4, 8, ...
 * (and Cluster node errors likewise per node), so a long outage stays readable. Only a client
 * that was ready once is reported: a failed `connect()` is returned to its caller instead.
 */
export class ConnectionWatch {
  private readonly log: Logger;
  private readonly listeners: [string, Listener][];
  private wasReady: boolean;
  private lostAt: number | undefined;
  private attempts = 0;
  private lastError: Error | undefined;
  private quiet = false;

  constructor(
    private readonly client: RedisClient,
    logger: Logger,
    fields: { redis: string; connection: string },
    hooks: { onError(error: Error): void; onReconnect?(): void },
  ) {
    this.log = logger.child(fields);
    this.wasReady = client.status === 'ready';
    const nodeErrors = new Map<string, number>();
    this.listeners = [
      [
        'error',
        (error: Error) => {
          this.lastError = error;
          hooks.onError(error);
        },
      ],
      ['close', () => this.lost()],
      ['reconnecting', (delayMs?: number) => this.retrying(delayMs)],
      [
        'ready',
        () => {
          if (this.recovered()) hooks.onReconnect?.();
        },
      ],
      [
        'end',
        () => {
          if (this.report()) this.log.error({ err: this.lastError }, 'Redis connection ended: ioredis stopped reconnecting');
        },
      ],
      [
        'node error',
        (error: Error, node: string) => {
          hooks.onError(error);
          const count = (nodeErrors.get(node) ?? 0) + 1;
          nodeErrors.set(node, count);
          if (this.report() && isPowerOfTwo(count)) this.log.warn({ node, count, err: error }, 'Redis Cluster node error');
        },
      ],
    ];
    for (const [event, listener] of this.listeners) client.on(event, listener as (...args: unknown[]) => void);
  }

  /** tq is closing the client: nothing more is reported (its listeners stay, so ioredis stays quiet). */
  stop(): void {
    this.quiet = true;
  }

  /** Remove every listener: the client is the user's and stays open. */
  detach(): void {
    this.stop();
    for (const [event, listener] of this.listeners) this.client.off(event, listener as (...args: unknown[]) => void);
  }

  private report(): boolean {
    return this.wasReady && !this.quiet;
  }

  private lost(): void {
    if (!this.report() || this.lostAt !== undefined) return;
    this.lostAt = performance.now();
    this.log.warn({ err: this.lastError }, 'Redis connection lost');
  }

  private retrying(delayMs: number | undefined): void {
    if (!this.report()) return;
    this.lost();
    if (isPowerOfTwo(++this.attempts)) this.log.warn({ attempt: this.attempts, delayMs, err: this.lastError }, 'reconnecting to Redis');
  }

  /** True when this `ready` ends an outage. */
  private recovered(): boolean {
    this.wasReady = true;
    if (this.lostAt === undefined || this.quiet) return false;
    this.log.info({ downMs: Math.round(performance.now() - this.lostAt), attempts: this.attempts }, 'Redis connection recovered');
    this.lostAt = undefined;
    this.attempts = 0;
    this.lastError = undefined;
    return true;
  }
}

function isPowerOfTwo(n: number): boolean {
  return (n & (n - 1)) === 0;
}
