import type { ScheduleEntry, ScheduleStore, TickClaim, TickCompletion } from '../spec/schedule-store.js';
import { scheduleEntryChanges } from '../transport/schedule-entry-changes.js';

/** Due-index key: next run, then name (names are unique). */
type IndexKey = readonly [at: number, name: string];

/**
 * The memory:// schedule store: entries and claims shared by every scheduler of the process that
 * uses the same memory backend. Due entries come from a sorted index, not a scan.
 */
export class MemoryScheduleStore implements ScheduleStore {
  private readonly entries = new Map<string, ScheduleEntry>();
  /** Unpaused entries with a next run, sorted by (nextRunAt, name). */
  private readonly index: IndexKey[] = [];
  /** Tick claims: `<name>@<tick>` → lease end (ms) or `done` until. */
  private readonly claims = new Map<string, { until: number; done: boolean }>();
  /** Claims are swept for expired ones when there are this many (then twice as many as are left). */
  private sweepAt = 1024;

  constructor(private readonly now: () => number = Date.now) {}

  async sync(declared: readonly ScheduleEntry[]): Promise<void> {
    const names = new Set(declared.map((e) => e.name));
    for (const entry of [...this.entries.values()]) {
      if (entry.owner === 'code' && !names.has(entry.name)) this.delete(entry.name);
    }
    for (const fresh of declared) this.store(scheduleEntryChanges.merged(this.entries.get(fresh.name), copy(fresh)));
  }

  async put(entry: ScheduleEntry): Promise<void> {
    this.store(copy(entry));
  }

  async remove(name: string): Promise<boolean> {
    return this.delete(name);
  }

  async get(name: string): Promise<ScheduleEntry | undefined> {
    const entry = this.entries.get(name);
    return entry && copy(entry);
  }

  async list(): Promise<ScheduleEntry[]> {
    return [...this.entries.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map(copy);
  }

  async setPaused(name: string, paused: boolean): Promise<boolean> {
    const entry = this.entries.get(name);
    if (!entry) return false;
    this.store({ ...entry, paused });
    return true;
  }

  async runNow(name: string, nowMs: number): Promise<boolean> {
    const entry = this.entries.get(name);
    if (!entry) return false;
    this.store({ ...entry, nextRunAt: nowMs });
    return true;
  }

  async due(nowMs: number, limit: number): Promise<ScheduleEntry[]> {
    const due: ScheduleEntry[] = [];
    for (const [at, name] of this.index) {
      if (at > nowMs || due.length >= limit) break;
      due.push(copy(this.entries.get(name) as ScheduleEntry));
    }
    return due;
  }

  async nextDueAt(): Promise<number | null> {
    return this.index[0]?.[0] ?? null;
  }

  async claimTick(name: string, tickMs: number, leaseMs: number): Promise<TickClaim> {
    const key = `${name}@${tickMs}`;
    const now = this.now();
    const claim = this.claims.get(key);
    if (claim && claim.until > now) return claim.done ? 'done' : 'held';
    this.claims.set(key, { until: now + leaseMs, done: false });
    this.sweepClaims(now);
    return 'claimed';
  }

  async completeTick(name: string, tickMs: number, completion: TickCompletion, keepMs: number): Promise<void> {
    this.claims.set(`${name}@${tickMs}`, { until: this.now() + keepMs, done: true });
    const entry = this.entries.get(name);
    const completed = entry && scheduleEntryChanges.completed(entry, tickMs, completion);
    if (completed) this.store(completed);
  }

  private store(entry: ScheduleEntry): void {
    this.unindex(this.entries.get(entry.name));
    this.entries.set(entry.name, entry);
    const dueAt = scheduleEntryChanges.dueAt(entry);
    if (dueAt === null) return;
    const key: IndexKey = [dueAt, entry.name];
    this.index.splice(this.position(key), 0, key);
  }

  private delete(name: string): boolean {
    const entry = this.entries.get(name);
    if (!entry) return false;
    this.unindex(entry);
    this.entries.delete(name);
    return true;
  }

  private unindex(entry: ScheduleEntry | undefined): void {
    const dueAt = entry && scheduleEntryChanges.dueAt(entry);
    if (!entry || dueAt === null || dueAt === undefined) return;
    const at = this.position([dueAt, entry.name]);
    if (this.index[at]?.[1] === entry.name) this.index.splice(at, 1);
  }

  /** First index position not before `key` (binary search). */
  private position(key: IndexKey): number {
    let low = 0;
    let high = this.index.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const [at, name] = this.index[mid] as IndexKey;
      if (at < key[0] || (at === key[0] && name < key[1])) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Expired claims are dropped now and then, so a long-running store does not grow. */
  private sweepClaims(now: number): void {
    if (this.claims.size < this.sweepAt) return;
    for (const [key, claim] of this.claims) if (claim.until <= now) this.claims.delete(key);
    this.sweepAt = Math.max(1024, this.claims.size * 2);
  }
}

function copy(entry: ScheduleEntry): ScheduleEntry {
  return structuredClone(entry);
}
