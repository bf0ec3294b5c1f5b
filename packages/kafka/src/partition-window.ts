import type { IncomingRecord } from './client/kafka-client.js';
import { HEADER, intHeader } from './record-headers.js';

/** Where one fetched record stands. */
export type EntryStatus = 'waiting' | 'running' | 'done';

/** One fetched record of a partition, from fetch until it is committed past. */
export interface WindowEntry {
  readonly offset: number;
  readonly record: IncomingRecord;
  /** The ordering key (the Kafka record key as text), or undefined for keyless records. */
  readonly key: string | undefined;
  status: EntryStatus;
  /** Deliveries before the next one (header count, plus what an earlier owner recorded). */
  deliveries: number;
  /** Delay topics: its forwarding timer. */
  timer?: NodeJS.Timeout;
}

/**
 * What a member records in its offset commit's metadata string, so the next owner of the
 * partition knows what happened above the committed offset:
 * - `h`: the highest offset handed to a handler (offsets from the committed one up to `h` that
 *   are not done were delivered before: their next delivery counts one more);
 * - `n`: the most deliveries any of them had;
 * - `d`: offset ranges `[first, last]` already completed above the committed offset (the next
 *   owner skips them: a crash re-runs only what was really unfinished).
 */
export interface CommitMetadata {
  h: number;
  n: number;
  d: [number, number][];
}

/** Kafka's default `offset.metadata.max.bytes` is 4096; stay well under it. */
const MAX_METADATA_CHARS = 3000;
const METADATA_PREFIX = 'tq1:';

/** Encodes {@link CommitMetadata}; done ranges that do not fit are left out (they will only re-run). */
export function encodeMetadata(meta: CommitMetadata): string {
  const ranges = [...meta.d];
  for (;;) {
    const text = `${METADATA_PREFIX}${JSON.stringify({ h: meta.h, n: meta.n, d: ranges })}`;
    if (text.length <= MAX_METADATA_CHARS || ranges.length === 0) return text;
    ranges.length = Math.floor(ranges.length / 2);
  }
}

/** Decodes what {@link encodeMetadata} wrote; anything else (another client's metadata) is ignored. */
export function decodeMetadata(text: string | null | undefined): CommitMetadata | undefined {
  if (!text?.startsWith(METADATA_PREFIX)) return undefined;
  try {
    const value = JSON.parse(text.slice(METADATA_PREFIX.length)) as Partial<CommitMetadata>;
    const h = Number.isSafeInteger(value.h) ? (value.h as number) : -1;
    const n = Number.isSafeInteger(value.n) ? (value.n as number) : 0;
    const d = Array.isArray(value.d)
      ? value.d.filter((r): r is [number, number] => Array.isArray(r) && r.length === 2 && r.every(Number.isSafeInteger))
      : [];
    return { h, n, d };
  } catch {
    return undefined;
  }
}

/**
 * The records of one owned partition between the committed offset and the newest fetched one:
 * per-message completion on a cumulative-ack log. Records complete in any order; the commit
 * position only moves to the first record not done yet (the highest contiguous completed offset,
 * plus one). Done records above it travel in the commit metadata, so they are not re-run.
 */
export class PartitionWindow {
  /** Fetched records not yet committed past, in offset order. */
  private readonly entries: WindowEntry[] = [];
  private head = 0;
  /** The offset after the newest record taken (later fetches of older offsets are duplicates). */
  private next = -1;
  /** What the previous owner (or this member before a crash) recorded. */
  private readonly inherited: CommitMetadata | undefined;
  /** The highest offset handed to a handler by this member. */
  private handedUpTo = -1;
  /** False once the partition was revoked: its deliveries' settles change nothing. */
  alive = true;
  /** Something changed since the last commit. */
  dirty = false;
  /** The last position and metadata committed. */
  committed: { offset: number; metadata: string } | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** The group's committed offset when the partition was assigned (-1 if none). */
    committedOffset: number,
    metadata: string | null,
  ) {
    const inherited = decodeMetadata(metadata);
    this.inherited = inherited && committedOffset >= 0 ? inherited : undefined;
    if (committedOffset >= 0) this.next = committedOffset;
  }

  /** Records held: waiting, running, or done behind an unfinished one. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** Entries held, oldest first. */
  held(): WindowEntry[] {
    return this.entries.slice(this.head);
  }

  /**
   * Take a fetched record. Returns its entry, or undefined for a record already taken (a
   * refetch after a rebalance) or completed by an earlier owner (it is skipped, not re-run).
   */
  take(record: IncomingRecord): WindowEntry | undefined {
    if (record.offset < this.next) return undefined;
    this.next = record.offset + 1;
    const previous = intHeader(record.headers, HEADER.deliveryCount, 0);
    const key = record.key === null ? undefined : record.key.toString('utf8');
    const entry: WindowEntry = { offset: record.offset, record, key, status: 'waiting', deliveries: previous };
    const inherited = this.inherited;
    if (inherited) {
      if (inherited.d.some(([first, last]) => record.offset >= first && record.offset <= last)) entry.status = 'done';
      else if (record.offset <= inherited.h) entry.deliveries = Math.max(previous, inherited.n);
    }
    this.entries.push(entry);
    if (entry.status === 'done') {
      this.compact();
      return undefined;
    }
    return entry;
  }

  /** Mark an entry handed to a handler. */
  handOut(entry: WindowEntry): number {
    entry.status = 'running';
    entry.deliveries++;
    if (entry.offset > this.handedUpTo) this.handedUpTo = entry.offset;
    this.dirty = true;
    return entry.deliveries;
  }

  /**
   * Mark a handed-out entry waiting again (nack with requeue). A deliberate return: its next
   * delivery keeps this one's count, here or, through the commit metadata, on the next owner.
   */
  requeue(entry: WindowEntry): void {
    if (entry.status === 'running' && entry.deliveries > 0) entry.deliveries--;
    entry.status = 'waiting';
    this.dirty = true;
  }

  /** Mark an entry finished for good (acked, dropped, dead-lettered, moved to a delay topic). */
  complete(entry: WindowEntry): void {
    if (entry.status === 'done') return;
    entry.status = 'done';
    if (entry.timer) clearTimeout(entry.timer);
    this.compact();
    this.dirty = true;
  }

  /** The commit position: the first offset not done (or the next to fetch when all are). */
  position(): number {
    const first = this.entries[this.head];
    return first ? first.offset : this.next;
  }

  /** Whether anything was ever fetched or inherited (nothing to commit otherwise). */
  get started(): boolean {
    return this.next >= 0;
  }

  /** The metadata to commit with {@link position}. */
  metadata(): string {
    const position = this.position();
    let h = this.handedUpTo;
    let n = 0;
    const d: [number, number][] = [];
    let open: [number, number] | undefined;
    // Entries past the highest handed out have not run: waiting, or skipped as done by an
    // earlier owner (those go in as the inherited ranges below).
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i] as WindowEntry;
      if (entry.offset > this.handedUpTo) break;
      if (entry.status === 'done') {
        if (open) open[1] = entry.offset;
        else {
          open = [entry.offset, entry.offset];
          d.push(open);
        }
      } else {
        open = undefined;
        if (entry.deliveries > n) n = entry.deliveries;
      }
    }
    const inherited = this.inherited;
    if (inherited && inherited.h >= position) {
      h = Math.max(h, inherited.h);
      n = Math.max(n, inherited.n);
      for (const range of inherited.d) if (range[0] > this.handedUpTo) d.push(range);
    }
    return encodeMetadata({ h, n, d });
  }

  /** Waiting and running records (what `size()` must not count twice, and what purge drops). */
  count(status: EntryStatus): number {
    let n = 0;
    for (let i = this.head; i < this.entries.length; i++) if ((this.entries[i] as WindowEntry).status === status) n++;
    return n;
  }

  /** Revoke: forget everything (another member owns the partition now). */
  revoke(): WindowEntry[] {
    this.alive = false;
    const held = this.held();
    for (const entry of held) if (entry.timer) clearTimeout(entry.timer);
    return held;
  }

  private compact(): void {
    while (this.head < this.entries.length && (this.entries[this.head] as WindowEntry).status === 'done') {
      this.entries[this.head] = undefined as unknown as WindowEntry;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }
}
