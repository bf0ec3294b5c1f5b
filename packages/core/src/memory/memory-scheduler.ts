/** One scheduled callback. */
interface Entry {
  at: number;
  seq: number;
  run: () => void;
}

/** setTimeout's ceiling (about 24.8 days); longer waits re-arm on expiry. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs callbacks at monotonic times (`performance.now()`) with ONE timer armed for the earliest
 * entry, so thousands of delayed messages and visibility deadlines cost a heap, not a timer each.
 * Cancelling is lazy: callbacks check whether they still matter when they run.
 * While stopped nothing is armed (nothing keeps the process alive); entries wait for `start()`.
 */
export class MemoryScheduler {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Number.POSITIVE_INFINITY;
  private running = false;

  /** Run `run` at monotonic time `at` (or as soon as possible after). */
  schedule(at: number, run: () => void): void {
    this.push({ at, seq: this.seq++, run });
    if (this.running && at < this.armedAt) this.arm();
  }

  /** Arm the timer for what is already scheduled. */
  start(): void {
    this.running = true;
    this.arm();
  }

  /** Disarm; scheduled entries are kept for the next `start()`. */
  stop(): void {
    this.running = false;
    this.disarm();
  }

  private arm(): void {
    this.disarm();
    const next = this.heap[0];
    if (!next) return;
    this.armedAt = next.at;
    const wait = Math.min(Math.max(0, next.at - performance.now()), MAX_TIMER_MS);
    this.timer = setTimeout(() => this.fire(), wait);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    for (let next = this.heap[0]; next && next.at <= now && this.running; next = this.heap[0]) {
      this.pop();
      next.run();
    }
    if (this.running) this.arm();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent] as Entry)) break;
      heap[i] = heap[parent] as Entry;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right] as Entry, heap[left] as Entry) ? right : left;
      if (!before(heap[child] as Entry, last)) break;
      heap[i] = heap[child] as Entry;
      i = child;
    }
    heap[i] = last;
  }
}

/** Earlier time first; equal times in scheduling order. */
function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
