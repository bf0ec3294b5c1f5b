import {
  type BackendCapabilities,
  type BackendConnectContext,
  type ChordPart,
  ConfigurationError,
  defaultLogger,
  parseKombuJson,
  positiveNumber,
  type ResultBackend,
  type ResultMeta,
  type ScheduleStore,
  type SetResultOptions,
  toPythonJson,
} from '@tq/core';
import { parseRecord } from './parse-record.js';
import { RedisConnection, type RedisConnectionConfig } from './redis-connection.js';
import { RedisPubSub } from './redis-pub-sub.js';
import { RedisReplies } from './redis-replies.js';
import { RedisScheduleStore } from './redis-schedule-store.js';
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
 * How long a fired chord's `.c` says 'done', turning late duplicates away: Celery 5.7's default.
 * Not the results' day: a Celery 5.6 producer sending the same chord id again does not clear it.
 */
const CHORD_DONE_MS = 300_000;

/**
 * Largest record (JSON characters) also pushed on the caller's reply channel. That push only saves
 * the round trip of the read after SUBSCRIBE, which matters for small records; a bigger one goes
 * once, on its key's channel, so a caller listening on both is not sent it twice (Redis drops a
 * subscriber with more than 32 MiB buffered, and a record carries arguments and result).
 */
const MAX_REPLY_RECORD_CHARS = 64 * 1024;

/**
 * Celery's Redis result backend (spec §6): `celery-task-meta-<id>` JSON records written with
 * SET + PUBLISH on the key's channel, so Python's `AsyncResult` reads tq results and the other way
 * round. A stored SUCCESS is never overwritten, nor a stored FAILURE or REVOKED by a state that is
 * not final (a late RETRY), checked in the same script. `watch` rides one shared subscriber
 * connection; chords use Celery's `.j` sorted set and `.s` size, plus Celery 5.7's `.d` and `.c`,
 * counted in one script that hands the parts to exactly one caller.
 *
 * Beyond Celery: a record of up to 64 KiB is also published on the caller's reply channel (the
 * message's `reply_to`), which a tq app keeps subscribed, so `get()` hears from a tq worker without
 * waiting for a SUBSCRIBE of its own; the key's channel still serves Python workers and other
 * callers. A bigger record is published once, on the key's channel only (ADR 16).
 */
export class RedisResultBackend implements ResultBackend {
  readonly capabilities: BackendCapabilities = {
    atomicCounters: true,
    watch: true,
    ttl: true,
    groups: true,
    shared: true,
    revokes: true,
    claims: true,
    schedules: true,
  };
  private readonly connection: RedisConnection;
  private readonly keys: ResultKeys;
  private readonly pubsub: RedisPubSub;
  private readonly expiresMs: number;
  private replies: RedisReplies | undefined;
  private schedules: RedisScheduleStore | undefined;

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
    const json = toPythonJson(meta);
    const replies = options?.replyTo && json.length <= MAX_REPLY_RECORD_CHARS ? this.keys.replies(options.replyTo) : '';
    await scripts.setResult.runNow(this.client, [this.keys.task(taskId)], [json, this.ttl(options), replies, taskId]);
  }

  /** SET NX on the task's own key: atomic on one node and in a cluster alike, and Python reads it as PENDING. */
  async claim(taskId: string, meta: ResultMeta, options?: SetResultOptions): Promise<boolean> {
    const key = this.keys.task(taskId);
    const json = toPythonJson(meta);
    const ttl = this.ttl(options);
    const reply = await (ttl > 0 ? this.client.set(key, json, 'PX', ttl, 'NX') : this.client.set(key, json, 'NX'));
    return reply === 'OK';
  }

  async releaseClaim(taskId: string): Promise<void> {
    await scripts.releaseClaim.run(this.client, [this.keys.task(taskId)], []);
  }

  /** Schedules beside the results (see `RedisScheduleStore`). */
  scheduleStore(): ScheduleStore {
    this.schedules ??= new RedisScheduleStore(() => this.client, this.keys);
    return this.schedules;
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

  /**
   * Celery's chord size key `.s` (spec §6.7), and, like Celery 5.7's `set_chord_size`, the claim
   * `.c` deleted first: a chord sent again under the same id is a new run, not one already fired.
   */
  async initChord(chordId: string, size: number, options?: SetResultOptions): Promise<void> {
    if (!Number.isInteger(size) || size < 1) throw new ConfigurationError(`initChord() needs a positive integer size, got ${size}`);
    const [, sizeKey, , , claimKey] = this.keys.chord(chordId);
    const ttl = this.ttl(options);
    const steps = this.client.multi().del(claimKey);
    await (ttl > 0 ? steps.set(sizeKey, size, 'PX', ttl) : steps.set(sizeKey, size)).exec();
  }

  /**
   * One script (`add-chord-part.lua`): records the part in Celery's `.j` and 5.7's `.d` even before
   * the size `.s` exists (Python writes it just before its last member), and hands the parts over
   * only with 5.7's claim `.c` taken, so tq and Python workers sharing a chord fire its body once.
   */
  async addChordPart(chordId: string, part: ChordPart): Promise<ChordPart[] | undefined> {
    // Celery's score for a member without a group index is '+inf'; core sorts those last with MAX_SAFE_INTEGER.
    const score = Number.isSafeInteger(part.index) && part.index < Number.MAX_SAFE_INTEGER ? part.index : '+inf';
    const member = toPythonJson([1, part.taskId, part.state, part.result]);
    const ttl = this.ttl();
    const reply = await scripts.addChordPart.run(this.client, this.keys.chord(chordId), [
      part.taskId,
      score,
      member,
      ttl,
      ttl > 0 ? Math.min(ttl, CHORD_DONE_MS) : CHORD_DONE_MS,
    ]);
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
