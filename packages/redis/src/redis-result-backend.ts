import {
  type BackendCapabilities,
  type BackendConnectContext,
  ChordError,
  type ChordPart,
  ConfigurationError,
  defaultLogger,
  parseKombuJson,
  positiveNumber,
  type ResultBackend,
  type ResultMeta,
  type SetResultOptions,
  toPythonJson,
} from '@tq/core';
import { parseRecord } from './parse-record.js';
import { RedisConnection, type RedisConnectionConfig } from './redis-connection.js';
import { RedisPubSub } from './redis-pub-sub.js';
import { RedisReplies } from './redis-replies.js';
import { type RedisClient, scripts } from './redis-script.js';
import { ResultKeys } from './result-keys.js';

/** Configuration of a {@link RedisResultBackend}. */
export interface RedisResultBackendConfig extends RedisConnectionConfig {
  /** Celery's `result_backend_transport_options['global_keyprefix']` (`_` appended unless it ends in `:_-.`). */
  keyPrefix?: string;
  /** Default record lifetime when `set` gets no `ttlMs`. Default 1 day (Celery's `result_expires`); `Infinity` keeps records. */
  expiresMs?: number;
}

const DEFAULT_EXPIRES_MS = 24 * 60 * 60_000;

/**
 * Celery's Redis result backend (spec §6): `celery-task-meta-<id>` JSON records written with
 * SET + PUBLISH on the key's channel, so Python's `AsyncResult` reads tq results and the other way
 * round. A stored SUCCESS is never overwritten, nor a stored FAILURE or REVOKED by a state that is
 * not final (a late RETRY), checked in the same script. `watch` rides one shared subscriber
 * connection; chords use Celery's `.j` sorted set and `.s` size, counted in one script that hands
 * the parts to exactly one caller.
 *
 * Beyond Celery: a record is also published on the caller's reply channel (the message's
 * `reply_to`), which a tq app keeps subscribed, so `get()` hears from a tq worker without waiting
 * for a SUBSCRIBE of its own; the key's channel still serves Python workers and other callers.
 */
export class RedisResultBackend implements ResultBackend {
  readonly capabilities: BackendCapabilities = {
    atomicCounters: true,
    watch: true,
    ttl: true,
    groups: true,
    shared: true,
    revokes: true,
  };
  private readonly connection: RedisConnection;
  private readonly keys: ResultKeys;
  private readonly pubsub: RedisPubSub;
  private readonly expiresMs: number;
  private replies: RedisReplies | undefined;

  constructor(config: RedisResultBackendConfig = {}) {
    // Infinity is meaningful here (records never expire); anything else follows the one rule.
    const { expiresMs } = config;
    this.expiresMs =
      expiresMs === Number.POSITIVE_INFINITY ? expiresMs : positiveNumber('RedisResultBackend', 'expiresMs', expiresMs, DEFAULT_EXPIRES_MS);
    this.connection = new RedisConnection(config, (config.logger ?? defaultLogger()).child({ backend: 'RedisResultBackend' }));
    this.keys = new ResultKeys(config.keyPrefix ?? '', this.connection.cluster);
    this.pubsub = new RedisPubSub(this.connection);
  }

  async connect(context?: BackendConnectContext): Promise<void> {
    await this.connection.connect();
    if (context?.replyTo) this.replies ??= new RedisReplies(this.pubsub, this.keys.replies(context.replyTo));
  }

  async close(): Promise<void> {
    this.replies = undefined;
    this.pubsub.close();
    await this.connection.close();
  }

  async set(taskId: string, meta: ResultMeta, options?: SetResultOptions): Promise<void> {
    const replies = options?.replyTo ? this.keys.replies(options.replyTo) : '';
    await scripts.setResult.runNow(this.client, [this.keys.task(taskId)], [toPythonJson(meta), this.ttl(options), replies, taskId]);
  }

  /** In one sorted set, scored by expiry: a worker reads the live ones at start. */
  async persistRevoke(taskId: string, ttlMs: number): Promise<void> {
    await this.client.zadd(this.keys.revoked(), Date.now() + ttlMs, taskId);
  }

  async revokedIds(): Promise<string[]> {
    const key = this.keys.revoked();
    await this.client.zremrangebyscore(key, '-inf', Date.now());
    return this.client.zrange(key, 0, -1);
  }

  async get(taskId: string): Promise<ResultMeta | undefined> {
    const json = await this.client.get(this.keys.task(taskId));
    return json === null ? undefined : (parseKombuJson(json) as ResultMeta);
  }

  async forget(taskId: string): Promise<void> {
    await this.client.del(this.keys.task(taskId));
  }

  /** Listens on the app's reply channel at once, and on the key's channel (resolves once that is live). */
  async watch(taskId: string, listener: (meta: ResultMeta) => void): Promise<() => Promise<void>> {
    const unlistenReplies = this.replies?.listen(taskId, listener);
    try {
      const unlistenKey = await this.pubsub.listen(this.keys.task(taskId), (message) => {
        const meta = parseRecord(message.toString('utf8'));
        if (meta) listener(meta);
      });
      return async () => {
        unlistenReplies?.();
        await unlistenKey();
      };
    } catch (error) {
      unlistenReplies?.();
      throw error;
    }
  }

  /** Celery's `GroupResult.save()` record: `{"result": [[gid, null], [[[id, null], null], ...]]}`, published too. */
  async saveGroup(groupId: string, taskIds: readonly string[], options?: SetResultOptions): Promise<void> {
    const key = this.keys.group(groupId);
    const json = toPythonJson({ result: [[groupId, null], taskIds.map((id) => [[id, null], null])] });
    const client = this.client;
    const ttl = this.ttl(options);
    await Promise.all([ttl > 0 ? client.set(key, json, 'PX', ttl) : client.set(key, json), client.publish(key, json)]);
  }

  async restoreGroup(groupId: string): Promise<string[] | undefined> {
    const json = await this.client.get(this.keys.group(groupId));
    if (json === null) return undefined;
    const members = (parseKombuJson(json) as { result: [unknown, [[string, unknown], unknown][]] }).result[1];
    return members.map((tuple) => tuple[0][0]);
  }

  /** Celery's chord size key `.s` (spec §6.7). */
  async initChord(chordId: string, size: number, options?: SetResultOptions): Promise<void> {
    if (!Number.isInteger(size) || size < 1) throw new ConfigurationError(`initChord() needs a positive integer size, got ${size}`);
    const [, sizeKey] = this.keys.chord(chordId);
    const ttl = this.ttl(options);
    await (ttl > 0 ? this.client.set(sizeKey, size, 'PX', ttl) : this.client.set(sizeKey, size));
  }

  async addChordPart(chordId: string, part: ChordPart): Promise<ChordPart[] | undefined> {
    const score = Number.isFinite(part.index) ? part.index : '+inf';
    const member = toPythonJson([1, part.taskId, part.state, part.result]);
    const reply = await scripts.addChordPart.run(this.client, this.keys.chord(chordId), [part.taskId, score, member, this.ttl()]);
    if (reply === 'unknown') {
      throw new ChordError(`Chord ${chordId} is unknown: initChord() must run before its members finish, or its record expired`);
    }
    if (!Array.isArray(reply)) return undefined;
    const parts: ChordPart[] = [];
    for (let i = 0; i < reply.length; i += 2) {
      const [, taskId, state, result] = parseKombuJson(reply[i] as string) as [number, string, string, unknown];
      const index = Number(reply[i + 1]);
      parts.push({ index: Number.isNaN(index) ? Number.POSITIVE_INFINITY : index, taskId, state, result });
    }
    return parts;
  }

  /** Time to live in ms for Redis, 0 meaning none. */
  private ttl(options?: SetResultOptions): number {
    const ms = options?.ttlMs ?? this.expiresMs;
    return Number.isFinite(ms) ? Math.max(1, Math.round(ms)) : 0;
  }

  private get client(): RedisClient {
    return this.connection.command;
  }
}
