/** One offered item, its key, and when it was offered (to break ties). */
interface Entry<T> {
  item: T;
  key: number;
  order: number;
}

/**
 * The `size` items with the highest key among those offered: a page of the newest without sorting
 * every match. A min-heap of at most `size` items, so an offer costs O(log size) at worst and one
 * comparison for an item that does not make the cut.
 */
export class NewestFirst<T> {
  private readonly heap: Entry<T>[] = [];
  private offered = 0;

  constructor(
    private readonly size: number,
    private readonly keyOf: (item: T) => number,
  ) {}

  offer(item: T): void {
    const entry = { item, key: this.keyOf(item), order: this.offered++ };
    if (this.heap.length < this.size) {
      this.heap.push(entry);
      this.up(this.heap.length - 1);
    } else if (this.size > 0 && lower(this.at(0), entry)) {
      this.heap[0] = entry;
      this.down(0);
    }
  }

  /** The kept items, highest key first; among equal keys, the first offered first. */
  get items(): T[] {
    return [...this.heap].sort((a, b) => (lower(a, b) ? 1 : -1)).map((entry) => entry.item);
  }

  private at(index: number): Entry<T> {
    return this.heap[index] as Entry<T>;
  }

  private swap(a: number, b: number): void {
    [this.heap[a], this.heap[b]] = [this.at(b), this.at(a)];
  }

  private up(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!lower(this.at(index), this.at(parent))) return;
      this.swap(index, parent);
      index = parent;
    }
  }

  private down(index: number): void {
    for (;;) {
      let lowest = index;
      for (const child of [2 * index + 1, 2 * index + 2]) {
        if (child < this.heap.length && lower(this.at(child), this.at(lowest))) lowest = child;
      }
      if (lowest === index) return;
      this.swap(index, lowest);
      index = lowest;
    }
  }
}

/** Whether `a` ranks below `b`: an older key, or the same key offered later. */
function lower(a: Entry<unknown>, b: Entry<unknown>): boolean {
  return a.key < b.key || (a.key === b.key && a.order > b.order);
}
