import { type ScheduleEntry, type ScheduleStore, scheduleEntryChanges, type TickClaim, type TickCompletion } from '@tq/core';
import { type RedisClient, scripts } from './redis-script.js';
import type { ResultKeys } from './result-keys.js';

/** A compare-and-set that lost this many times in a row means something else rewrites the entry in a loop. */
const MAX_CAS_TRIES = 20;
/** Entries synced at once. */
const SYNC_CHUNK = 256;

/**
 * Schedules in Redis, beside the results: entries in one hash, the due index in a sorted set by
 * next run (so finding due entries costs O(log n + due), never a scan), each tick's claim in its
 * own key with an expiry (SET NX PX). Every change of an entry is a compare-and-set script
 * (`beat-write.lua`), so two schedulers cannot both move an entry on.
 */
export class RedisScheduleStore implements ScheduleStore {
  constructor(
    private readonly client: () => RedisClient,
    private readonly keys: ResultKeys,
  ) {}

  async sync(declared: readonly ScheduleEntry[]): Promise<void> {
    const names = new Set(declared.map((e) => e.name));
    const stale = (await this.list()).filter((entry) => entry.owner === 'code' && !names.has(entry.name));
    await inChunks(stale, (entry) => this.update(entry.name, () => null));
    await inChunks(declared, (fresh) => this.update(fresh.name, (old) => scheduleEntryChanges.merged(old, fresh)));
  }

  async put(entry: ScheduleEntry): Promise<void> {
    await this.write(entry.name, '*', entry);
  }

  async remove(name: string): Promise<boolean> {
    return (await this.update(name, () => null)) !== undefined;
  }

  async get(name: string): Promise<ScheduleEntry | undefined> {
    const raw = await this.client().hget(this.keys.schedules()[0], name);
    return raw === null ? undefined : (JSON.parse(raw) as ScheduleEntry);
  }

  async list(): Promise<ScheduleEntry[]> {
    const all = await this.client().hvals(this.keys.schedules()[0]);
    return all.map((raw) => JSON.parse(raw) as ScheduleEntry).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async setPaused(name: string, paused: boolean): Promise<boolean> {
    return (await this.update(name, (old) => old && { ...old, paused })) !== undefined;
  }

  async runNow(name: string, nowMs: number): Promise<boolean> {
    return (await this.update(name, (old) => old && { ...old, nextRunAt: nowMs })) !== undefined;
  }

  async due(nowMs: number, limit: number): Promise<ScheduleEntry[]> {
    const [entries, due] = this.keys.schedules();
    const names = await this.client().zrangebyscore(due, '-inf', nowMs, 'LIMIT', 0, limit);
    if (names.length === 0) return [];
    const raws = await this.client().hmget(entries, ...names);
    return raws.flatMap((raw) => (raw === null ? [] : [JSON.parse(raw) as ScheduleEntry]));
  }

  async nextDueAt(): Promise<number | null> {
    const [, score] = await this.client().zrange(this.keys.schedules()[1], 0, 0, 'WITHSCORES');
    return score === undefined ? null : Number(score);
  }

  async claimTick(name: string, tickMs: number, leaseMs: number): Promise<TickClaim> {
    const key = this.keys.tickClaim(name, tickMs);
    if ((await this.client().set(key, 'lease', 'PX', leaseMs, 'NX')) === 'OK') return 'claimed';
    return (await this.client().get(key)) === 'done' ? 'done' : 'held';
  }

  async completeTick(name: string, tickMs: number, completion: TickCompletion, keepMs: number): Promise<void> {
    await this.client().set(this.keys.tickClaim(name, tickMs), 'done', 'PX', keepMs);
    await this.update(name, (old) => (old && scheduleEntryChanges.completed(old, tickMs, completion)) ?? old);
  }

  /**
   * Read an entry, change it with `change` (null deletes it; the same object leaves it as it is),
   * write it back if nobody changed it meanwhile, else read again. Resolves with what was read.
   */
  private async update(
    name: string,
    change: (old: ScheduleEntry | undefined) => ScheduleEntry | null | undefined,
  ): Promise<ScheduleEntry | undefined> {
    for (let i = 0; i < MAX_CAS_TRIES; i++) {
      const raw = await this.client().hget(this.keys.schedules()[0], name);
      const old = raw === null ? undefined : (JSON.parse(raw) as ScheduleEntry);
      const next = change(old);
      if (next === old || (next === null && old === undefined)) return old;
      if (await this.write(name, raw ?? '', next ?? undefined)) return old;
    }
    throw new Error(`schedule '${name}' changed ${MAX_CAS_TRIES} times while being updated; try again`);
  }

  /** The compare-and-set write of `beat-write.lua`; `entry` undefined deletes. */
  private async write(name: string, expected: string, entry: ScheduleEntry | undefined): Promise<boolean> {
    const dueAt = entry ? scheduleEntryChanges.dueAt(entry) : null;
    const reply = await scripts.beatWrite.run(this.client(), this.keys.schedules(), [
      name,
      expected,
      entry ? JSON.stringify(entry) : '',
      dueAt === null ? '' : dueAt,
    ]);
    return reply === 1;
  }
}

/** Apply `each` to `items` SYNC_CHUNK at a time: a deploy with many schedules syncs in round trips of many entries. */
async function inChunks<T>(items: readonly T[], each: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += SYNC_CHUNK) await Promise.all(items.slice(i, i + SYNC_CHUNK).map(each));
}
