import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ConfigurationError } from '../errors/configuration-error.js';
import { UnsupportedCapabilityError } from '../errors/unsupported-capability-error.js';
import type { Broker } from '../spec/broker.js';
import type { ControlChannel } from '../spec/control-channel.js';
import { decodeControlReply } from './control-reply.js';
import { type ControlRequest, encodeControlRequest, REPLY_EXCHANGE } from './control-request.js';
import type { ControlReply, ControlRequestOptions, ControlTarget } from './control-target.js';
import type { LogicalClock } from './logical-clock.js';

/** See `ControlRequestOptions.timeoutMs`. */
const DEFAULT_TIMEOUT_MS = 1000;
/**
 * A mailbox outlives its request by this much when its caller dies: replies sent just before the
 * timeout still land, and nothing stays longer (Celery's reply lists never expire: kombu#294).
 */
const MAILBOX_MARGIN_MS = 10_000;
/**
 * A cast (no reply) is ignored by nodes after this long: a revoke must survive some clock skew
 * between hosts and a node queue that was briefly backed up, but a node that reconnects minutes
 * later must not act on it (Celery gives a cast 1 s).
 */
const CAST_EXPIRES_MS = 10_000;

/** What a {@link Control} needs from its app. */
export interface ControlHost {
  /** The connected broker. */
  broker(): Promise<Pick<Broker, 'control'>>;
  /** The app's Lamport clock (shared with events). */
  readonly clock: LogicalClock;
  readonly logger: Logger;
}

/**
 * Celery's remote control (`app.control`, spec §9): send a command to every worker (or some, by
 * node name or pattern) and gather their replies. Works with Python Celery workers on the same
 * broker: `await app.control.ping()` lists them all. Needs a broker with `capabilities.broadcast`.
 */
export class Control {
  constructor(private readonly host: ControlHost) {}

  /**
   * Send `method` with `args` and gather replies until `timeoutMs` (default 1 s) or until `limit`
   * replies came; resolves with them in arrival order (empty when nobody answered).
   * A node that failed answers `{ error }`.
   */
  async request<R = unknown>(
    method: string,
    args: Record<string, unknown> = {},
    options: ControlRequestOptions = {},
  ): Promise<ControlReply<R>[]> {
    const channel = await this.channel();
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs > 0)) throw new ConfigurationError(`control.request() needs a positive timeoutMs, got ${timeoutMs}.`);
    const limit = options.limit ?? (options.destination?.length || undefined);
    const mailbox = randomUUID();
    const ticket = randomUUID();
    const replies: ControlReply<R>[] = [];
    let enough!: () => void;
    const gathered = new Promise<void>((resolve) => {
      enough = resolve;
    });
    const close = await channel.openMailbox(mailbox, timeoutMs + MAILBOX_MARGIN_MS, (message) => {
      const received = decodeControlReply(message);
      if ('problem' in received) return this.host.logger.warn({ method, problem: received.problem }, 'ignored a malformed control reply');
      this.host.clock.observe(received.clock);
      // A mailbox serves one request: another ticket is a stray from an older one.
      if (received.ticket !== undefined && received.ticket !== ticket) return;
      replies.push(...(received.replies as ControlReply<R>[]));
      if (limit !== undefined && replies.length >= limit) enough();
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await channel.broadcast(this.encode(method, args, options, Date.now() + timeoutMs, { ticket, mailbox }));
      await Promise.race([gathered, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      return limit === undefined ? replies : replies.slice(0, limit);
    } finally {
      clearTimeout(timer);
      await close();
    }
  }

  /** Send `method` with `args` and want no reply (Celery's `broadcast(reply=False)`): revoke, heartbeat. */
  async cast(method: string, args: Record<string, unknown> = {}, options: ControlTarget = {}): Promise<void> {
    const channel = await this.channel();
    await channel.broadcast(this.encode(method, args, options, Date.now() + CAST_EXPIRES_MS));
  }

  /** Which nodes are alive: each answers `{ ok: 'pong' }`. */
  ping(options: ControlRequestOptions = {}): Promise<ControlReply<{ ok: 'pong' }>[]> {
    return this.request<{ ok: 'pong' }>('ping', {}, options);
  }

  private encode(
    method: string,
    args: Record<string, unknown>,
    target: ControlTarget,
    expiresAt: number,
    reply?: { ticket: string; mailbox: string },
  ) {
    const request: ControlRequest = {
      method,
      arguments: args,
      destination: target.destination?.length ? [...target.destination] : null,
      pattern: target.pattern ?? null,
      // kombu matches a pattern only when a matcher is named: name the default one.
      matcher: target.pattern ? (target.matcher ?? 'glob') : null,
      ...(reply ? { ticket: reply.ticket, reply_to: { exchange: REPLY_EXCHANGE, routing_key: reply.mailbox } } : {}),
    };
    return encodeControlRequest(request, this.host.clock.tick(), expiresAt / 1000);
  }

  private async channel(): Promise<ControlChannel> {
    const channel = (await this.host.broker()).control;
    if (!channel) throw new UnsupportedCapabilityError('broadcast', 'This broker has no remote-control channel (capabilities.broadcast).');
    return channel;
  }
}
