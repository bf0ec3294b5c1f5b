/** A first-in first-out queue with O(1) push and shift (an array with a moving head). */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  /** Number of items waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Append at the back. */
  push(item: T): void {
    this.items.push(item);
  }

  /** Remove and return the front item. */
  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    // Compact once the dead prefix dominates, so memory stays proportional to what is waiting.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Remove everything; returns what was removed. */
  clear(): T[] {
    const removed = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return removed;
  }
}
