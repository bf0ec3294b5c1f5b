import { ConfigurationError } from '../errors/configuration-error.js';
import { parseKombuJson, toPythonJson } from '../protocol/index.js';
import {
  type BackendCapabilities,
  type ChordPart,
  READY_STATES,
  type ResultBackend,
  type ResultMeta,
  type SetResultOptions,
} from '../spec/result-backend.js';
import type { ScheduleStore } from '../spec/schedule-store.js';
import { MemoryResultStore } from './memory-result-store.js';

/** Configuration of a {@link MemoryResultBackend}. */
export interface MemoryResultBackendConfig {
  /**
   * Share records with every `MemoryResultBackend` of this name in the process (`memory://<name>`).
   * Default: a private store.
   */
  name?: string;
  /** Default record lifetime when `set` gets no `ttlMs`. Default 1 day (Celery's `result_expires`); `Infinity` keeps records. */
  expiresMs?: number;
}

const DEFAULT_EXPIRES_MS = 24 * 60 * 60_000;

/**
 * The `memory://` result backend: records kept as kombu's JSON text, as Redis keeps them (so values
 * that would not survive a real backend do not survive this one, and Dates and bytes do), push `watch`, groups, and an atomic chord counter.
 */
export class MemoryResultBackend implements ResultBackend {
  readonly capabilities: BackendCapabilities = {
    atomicCounters: true,
    watch: true,
    ttl: true,
    groups: true,
    // Any client in the process holding the same store reads the records.
    shared: true,
    revokes: true,
    // Every mutation of the store is synchronous: claiming checks and writes in one step.
    claims: true,
    schedules: true,
  };
  /** Its records are this process's memory: pool children forward their calls to the worker's. */
  readonly inProcess = true;
  private readonly expiresMs: number;
  private store: MemoryResultStore | undefined;
  private readonly unwatchers = new Set<() => void>();

  constructor(private readonly config: MemoryResultBackendConfig = {}) {
    const expiresMs = config.expiresMs ?? DEFAULT_EXPIRES_MS;
    if (Number.isNaN(expiresMs) || expiresMs <= 0) {
      throw new ConfigurationError(`MemoryResultBackend expiresMs must be a positive number of ms or Infinity, got ${expiresMs}`);
    }
    this.expiresMs = expiresMs;
  }

  async connect(): Promise<void> {
    this.store ??= this.config.name === undefined ? new MemoryResultStore() : MemoryResultStore.shared(this.config.name);
  }

  async close(): Promise<void> {
    for (const unwatch of this.unwatchers) unwatch();
    this.unwatchers.clear();
  }

  async set(taskId: string, meta: ResultMeta, options?: SetResultOptions): Promise<void> {
    const store = this.live();
    const stored = parse<ResultMeta>(store.getResult(taskId))?.status;
    // A stored SUCCESS stays (a redelivered attempt must not undo it), and a final state is not
    // replaced by a pending one (a retry's FAILURE can land before the RETRY of the attempt that sent it).
    if (stored === 'SUCCESS' || (stored !== undefined && READY_STATES.has(stored) && !READY_STATES.has(meta.status))) return;
    store.setResult(taskId, toPythonJson(meta), this.ttl(options));
  }

  async claim(taskId: string, meta: ResultMeta, options?: SetResultOptions): Promise<boolean> {
    const store = this.live();
    // No await between the check and the write: no other caller runs in between.
    if (store.getResult(taskId) !== undefined) return false;
    store.setResult(taskId, toPythonJson(meta), this.ttl(options));
    return true;
  }

  async releaseClaim(taskId: string): Promise<void> {
    const store = this.live();
    if (parse<ResultMeta>(store.getResult(taskId))?.status === 'PENDING') store.forgetResult(taskId);
  }

  async persistRevoke(taskId: string, ttlMs: number): Promise<void> {
    this.live().revoked.set(taskId, Date.now() + ttlMs);
  }

  scheduleStore(): ScheduleStore {
    return this.live().schedules;
  }

  async revokedIds(): Promise<string[]> {
    const revoked = this.live().revoked;
    const now = Date.now();
    for (const [id, until] of revoked) if (until <= now) revoked.delete(id);
    return [...revoked.keys()];
  }

  async get(taskId: string): Promise<ResultMeta | undefined> {
    return parse<ResultMeta>(this.live().getResult(taskId));
  }

  async forget(taskId: string): Promise<void> {
    this.live().forgetResult(taskId);
  }

  async watch(taskId: string, listener: (meta: ResultMeta) => void): Promise<() => Promise<void>> {
    const stop = this.live().watch(taskId, (json) => listener(parseKombuJson(json) as ResultMeta));
    this.unwatchers.add(stop);
    return async () => {
      stop();
      this.unwatchers.delete(stop);
    };
  }

  async saveGroup(groupId: string, taskIds: readonly string[], options?: SetResultOptions): Promise<void> {
    this.live().setGroup(groupId, JSON.stringify(taskIds), this.ttl(options));
  }

  async restoreGroup(groupId: string): Promise<string[] | undefined> {
    return parse<string[]>(this.live().getGroup(groupId));
  }

  async initChord(chordId: string, size: number, options?: SetResultOptions): Promise<void> {
    if (!Number.isInteger(size) || size < 1) throw new ConfigurationError(`initChord() needs a positive integer size, got ${size}`);
    this.live().initChord(chordId, size, this.ttl(options));
  }

  async addChordPart(chordId: string, part: ChordPart): Promise<ChordPart[] | undefined> {
    return this.live().addChordPart(chordId, part, this.ttl(undefined));
  }

  private ttl(options: SetResultOptions | undefined): number {
    return options?.ttlMs ?? this.expiresMs;
  }

  /** The store; core's runtime calls nothing before `connect()` (see `Lifecycle`). */
  private live(): MemoryResultStore {
    return this.store as MemoryResultStore;
  }
}

function parse<T>(json: string | undefined): T | undefined {
  return json === undefined ? undefined : (parseKombuJson(json) as T);
}
