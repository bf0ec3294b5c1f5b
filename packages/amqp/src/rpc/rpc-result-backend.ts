import { randomUUID } from 'node:crypto';
import {
  type BackendCapabilities,
  type BackendConnectContext,
  defaultLogger,
  type Logger,
  parseKombuJson,
  positiveNumber,
  type ResultBackend,
  type ResultMeta,
  type SetResultOptions,
  toPythonJson,
} from '@tq/core';
import type { ConsumeMessage } from 'amqplib';
import { type AmqpConnection, connectionOf } from '../connection/amqp-connection.js';
import { ConfirmPublisher } from '../connection/confirm-publisher.js';
import { ResilientChannel } from '../connection/resilient-channel.js';
import { ResultCache } from './result-cache.js';
import type { RpcResultBackendConfig } from './rpc-result-backend-config.js';

const DEFAULT_EXPIRES_MS = 86_400_000;
const DEFAULT_CACHE_SIZE = 10_000;
const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;
/** Header of the marker `get()` sends itself to know it has read everything sent before. */
const BARRIER_HEADER = 'x-tq-barrier';

type Listener = (meta: ResultMeta) => void;

/**
 * Celery's `rpc://` result backend (spec §7): no stored state — each state update travels as a
 * message to the caller's reply queue (default exchange, routing key = the task's `reply_to`,
 * `correlation_id` = task id), and the caller keeps what arrives.
 *
 * Worker side, `set` publishes (confirmed) to the reply queue the task message named. Client side,
 * the reply queue is declared at `connect()` (so replies to tasks sent before the first `get`
 * wait there) and consumed from the first `get`/`watch`; `watch` pushes every reply of a task and
 * `get` returns the latest one after reading everything already in the queue.
 *
 * Hence the capabilities: no chord counter (core refuses `chord()`), no groups, no TTL, and not
 * shared — only the process that sent a task sees its result. Core's `RuntimeBackend` wraps it:
 * connect/close ordering and the refusal of chords are core's.
 */
export class RpcResultBackend implements ResultBackend {
  readonly capabilities: BackendCapabilities = {
    atomicCounters: false,
    watch: true,
    ttl: false,
    groups: false,
    shared: false,
    // Replies reach only their caller: nothing a later worker could read a revoke from.
    revokes: false,
    // No record another sender could check: a duplicate send cannot be told from a first one.
    claims: false,
    schedules: false,
  };
  private replyQueue: string;
  private readonly connection: AmqpConnection;
  private readonly publisher: ConfirmPublisher;
  private readonly cache: ResultCache;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly barriers = new Map<string, () => void>();
  private readonly expiresMs: number;
  private readonly publishTimeoutMs: number;
  private readonly logger: Logger;
  private consumer: Promise<ResilientChannel> | undefined;

  constructor(private readonly config: RpcResultBackendConfig) {
    this.logger = config.logger ?? defaultLogger();
    this.connection = connectionOf('RpcResultBackend', 'rpc:// RabbitMQ', config, this.logger);
    this.replyQueue = config.replyTo ?? randomUUID();
    this.expiresMs = positiveNumber('RpcResultBackend', 'expiresMs', config.expiresMs, DEFAULT_EXPIRES_MS, { integer: true });
    this.publishTimeoutMs = positiveNumber('RpcResultBackend', 'publishTimeoutMs', config.publishTimeoutMs, DEFAULT_PUBLISH_TIMEOUT_MS);
    this.cache = new ResultCache(positiveNumber('RpcResultBackend', 'cacheSize', config.cacheSize, DEFAULT_CACHE_SIZE, { integer: true }));
    this.publisher = new ConfirmPublisher(this.connection, this.logger, this.publishTimeoutMs);
  }

  /** This process's reply queue: what its task messages must carry as `reply_to`. */
  get replyTo(): string {
    return this.replyQueue;
  }

  /**
   * Connect and declare the reply queue, so replies to tasks sent before the first `get` wait
   * there. `context.replyTo` (the app's `replyTo`, passed by `createApp`) names the reply queue.
   */
  async connect(context?: BackendConnectContext): Promise<void> {
    if (context?.replyTo) this.replyQueue = context.replyTo;
    await this.connection.open();
    await (await this.replyChannel(false)).close();
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await (await this.consumer?.catch(() => undefined))?.close();
    await this.publisher.close(false);
    await this.connection.close();
  }

  /** Publish the record to the task caller's reply queue (`options.replyTo`), else this backend's own. */
  async set(taskId: string, meta: ResultMeta, options?: SetResultOptions): Promise<void> {
    const replyTo = options?.replyTo || this.replyQueue;
    await this.publisher.publish({
      exchange: '',
      routingKey: replyTo,
      content: Buffer.from(toPythonJson(meta, 'result')),
      options: {
        contentType: 'application/json',
        contentEncoding: 'utf-8',
        correlationId: taskId,
        deliveryMode: this.config.persistent ? 2 : 1,
        headers: {},
      },
    });
  }

  /** The latest record received for the task, after reading every reply already queued. */
  async get(taskId: string): Promise<ResultMeta | undefined> {
    await this.consume();
    await this.barrier();
    return this.cache.get(taskId);
  }

  /** Drops the record after reading every reply already queued (a reply still on its way would bring it back). */
  async forget(taskId: string): Promise<void> {
    await this.consume();
    await this.barrier();
    this.cache.delete(taskId);
  }

  async watch(taskId: string, listener: Listener): Promise<() => Promise<void>> {
    let set = this.listeners.get(taskId);
    if (!set) {
      set = new Set();
      this.listeners.set(taskId, set);
    }
    set.add(listener);
    await this.consume();
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(taskId) === set) this.listeners.delete(taskId);
    };
  }

  /** Consume the reply queue from the first `get`/`watch` on (shared by concurrent callers; retried after a failure). */
  private async consume(): Promise<void> {
    this.consumer ??= this.replyChannel(true).catch((error: unknown) => {
      this.consumer = undefined;
      throw error;
    });
    await this.consumer;
  }

  /** A channel that declares the reply queue (Celery's flags, spec §3.1) and, when `consume`, reads it. */
  private async replyChannel(consume: boolean): Promise<ResilientChannel> {
    const queue = this.replyQueue;
    const channel = new ResilientChannel(this.connection, this.logger, `reply queue ${queue}`, async (ch) => {
      await ch.assertQueue(queue, { durable: false, autoDelete: true, arguments: { 'x-expires': this.expiresMs } });
      if (consume) await ch.consume(queue, (message) => message && this.receive(message), { noAck: true });
    });
    await channel.start(this.publishTimeoutMs);
    return channel;
  }

  private receive(message: ConsumeMessage): void {
    const barrier = message.properties.headers?.[BARRIER_HEADER];
    if (typeof barrier === 'string') {
      this.barriers.get(barrier)?.();
      return;
    }
    const meta = parseReply(message);
    if (!meta) return;
    if (!this.cache.put(meta.task_id, meta)) return;
    for (const listener of this.listeners.get(meta.task_id) ?? []) listener(structuredClone(meta));
  }

  /** Send ourselves a marker and wait for it: every reply queued before it has been read. */
  private async barrier(): Promise<void> {
    const id = randomUUID();
    const seen = new Promise<void>((resolve) => this.barriers.set(id, resolve));
    try {
      await this.publisher.publish({
        exchange: '',
        routingKey: this.replyQueue,
        content: Buffer.alloc(0),
        options: { headers: { [BARRIER_HEADER]: id }, deliveryMode: 1 },
      });
      await seen;
    } finally {
      this.barriers.delete(id);
    }
  }
}

/** A reply body as a ResultMeta; Celery ≤ 5.6 sends only task_id, status, result, traceback, children. */
function parseReply(message: ConsumeMessage): ResultMeta | undefined {
  let body: Partial<ResultMeta>;
  try {
    body = parseKombuJson(message.content.toString('utf8'), 'result') as Partial<ResultMeta>;
  } catch {
    return undefined;
  }
  const taskId = body.task_id ?? message.properties.correlationId;
  if (typeof taskId !== 'string' || typeof body.status !== 'string') return undefined;
  return {
    ...body,
    status: body.status,
    result: body.result ?? null,
    traceback: body.traceback ?? null,
    children: body.children ?? [],
    date_done: body.date_done ?? null,
    task_id: taskId,
  };
}
