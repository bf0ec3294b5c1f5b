/**
 * Ids revoked recently, remembered in insertion order and bounded (Celery keeps 50 000 too), so a
 * long-running worker does not grow without limit. Each id keeps when it was revoked (unix
 * seconds), which `hello` hands to other nodes as Celery's workers do.
 */
export class RevokedIds {
  private readonly ids = new Map<string, number>();

  constructor(private readonly capacity = 50_000) {}

  add(id: string, at = Date.now() / 1000): void {
    this.ids.delete(id);
    this.ids.set(id, at);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value as string);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Every id, oldest first. */
  list(): string[] {
    return [...this.ids.keys()];
  }

  /** Id → when it was revoked (unix seconds), as `hello` replies carry them. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.ids);
  }
}
