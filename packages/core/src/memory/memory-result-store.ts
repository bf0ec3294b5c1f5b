import { parseKombuJson, toPythonJson } from '../protocol/index.js';
import type { ChordPart } from '../spec/result-backend.js';
import { MemoryScheduleStore } from './memory-schedule-store.js';

/** A stored value as JSON text (so memory behaves like a backend that serializes) and its expiry. */
interface Entry {
  json: string;
  /** Monotonic expiry time; `Infinity` for never. */
  expiresAt: number;
}

/** A chord's counter: the distinct parts seen so far. */
interface Chord {
  /** Header members; `undefined` until announced (Python announces just before its last member). */
  size: number | undefined;
  /** `<taskId>:<index>` → part as JSON, in arrival order (Celery 5.7's `.d` key: a re-run counts once). */
  parts: Map<string, string>;
  /** Set once the completing caller got the parts, so nobody else does. */
  done: boolean;
  expiresAt: number;
}

/** Receives a stored record as JSON text; each watcher parses its own copy. */
export type ResultWatcher = (json: string) => void;

/** How often (at most) writes sweep expired records, so unread expired records do not pile up. */
const SWEEP_INTERVAL_MS = 1000;

/**
 * What a `memory://` result backend holds: records, groups, chord counters, watchers. Backends of
 * one name share a store. Expiry is checked when read (and swept on writes), so it needs no timer.
 * Every mutation is synchronous, which is what makes `addChordPart` atomic here.
 */
export class MemoryResultStore {
  private static readonly byName = new Map<string, MemoryResultStore>();

  /** The process-wide store for `name`, created on first use. */
  static shared(name: string): MemoryResultStore {
    let store = MemoryResultStore.byName.get(name);
    if (!store) {
      store = new MemoryResultStore();
      MemoryResultStore.byName.set(name, store);
    }
    return store;
  }

  private readonly results = new Map<string, Entry>();
  private readonly groups = new Map<string, Entry>();
  private readonly chords = new Map<string, Chord>();
  private readonly watchers = new Map<string, Set<ResultWatcher>>();
  private lastSweep = 0;

  /** Store a record and notify the task's watchers (in microtasks, each with its own copy). */
  setResult(taskId: string, json: string, ttlMs: number): void {
    this.sweep();
    this.results.set(taskId, { json, expiresAt: expiry(ttlMs) });
    for (const watcher of this.watchers.get(taskId) ?? []) queueMicrotask(() => watcher(json));
  }

  /** A record's JSON, or `undefined` when missing or expired. */
  getResult(taskId: string): string | undefined {
    return live(this.results, taskId);
  }

  /** Revoked ids and when each revoke expires (ms since the epoch). */
  readonly revoked = new Map<string, number>();
  /** Periodic schedules and tick claims of every scheduler using this store. */
  readonly schedules = new MemoryScheduleStore();

  /** Delete a record. */
  forgetResult(taskId: string): void {
    this.results.delete(taskId);
  }

  /** Watch a task's records; returns the function that stops watching. */
  watch(taskId: string, watcher: ResultWatcher): () => void {
    let set = this.watchers.get(taskId);
    if (!set) {
      set = new Set();
      this.watchers.set(taskId, set);
    }
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(taskId) === set) this.watchers.delete(taskId);
    };
  }

  /** Save a group's member ids. */
  setGroup(groupId: string, json: string, ttlMs: number): void {
    this.sweep();
    this.groups.set(groupId, { json, expiresAt: expiry(ttlMs) });
  }

  /** A saved group's JSON, or `undefined`. */
  getGroup(groupId: string): string | undefined {
    return live(this.groups, groupId);
  }

  /**
   * Announce a chord. Parts recorded before (members that finished before the announcement, as in
   * Python's order) are kept; a chord that already fired starts again, as a new run (Celery 5.7).
   */
  initChord(chordId: string, size: number, ttlMs: number): void {
    this.sweep();
    const chord = this.liveChord(chordId);
    if (chord && !chord.done) {
      chord.size = size;
      chord.expiresAt = expiry(ttlMs);
      return;
    }
    this.chords.set(chordId, { size, parts: new Map(), done: false, expiresAt: expiry(ttlMs) });
  }

  /**
   * Record one part (once per task id and index), even before the chord is announced; returns
   * every part, in index order, to the one caller that finds the chord announced and complete. A
   * duplicate can be that caller: its first run may have been recorded before the announcement.
   */
  addChordPart(chordId: string, part: ChordPart, ttlMs: number): ChordPart[] | undefined {
    this.sweep();
    let chord = this.liveChord(chordId);
    if (!chord) {
      chord = { size: undefined, parts: new Map(), done: false, expiresAt: expiry(ttlMs) };
      this.chords.set(chordId, chord);
    }
    if (chord.done) return undefined;
    chord.expiresAt = expiry(ttlMs);
    const key = `${part.taskId}:${part.index}`;
    // A member without a group index has a non-finite one: kept as null, which sorts last.
    if (!chord.parts.has(key)) chord.parts.set(key, toPythonJson({ ...part, index: Number.isFinite(part.index) ? part.index : null }));
    if (chord.size === undefined || chord.parts.size < chord.size) return undefined;
    chord.done = true;
    const parts = [...chord.parts.values()].map((json) => parseKombuJson(json) as ChordPart);
    // Array#sort is stable: members without a finite index keep arrival order, after the others.
    return parts.sort((a, b) => sortKey(a.index) - sortKey(b.index));
  }

  private liveChord(chordId: string): Chord | undefined {
    const chord = this.chords.get(chordId);
    if (chord && chord.expiresAt <= performance.now()) {
      this.chords.delete(chordId);
      return undefined;
    }
    return chord;
  }

  private sweep(): void {
    const now = performance.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const map of [this.results, this.groups, this.chords]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
  }
}

function expiry(ttlMs: number): number {
  return performance.now() + ttlMs;
}

function live(map: Map<string, Entry>, key: string): string | undefined {
  const entry = map.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt <= performance.now()) {
    map.delete(key);
    return undefined;
  }
  return entry.json;
}

function sortKey(index: number): number {
  return Number.isFinite(index) ? index : Number.POSITIVE_INFINITY;
}
