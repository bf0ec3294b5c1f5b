/**
 * Ids revoked recently, remembered in insertion order and bounded (Celery keeps 50 000 too), so a
 * long-running worker does not grow without limit.
 */
export class RevokedIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 50_000) {}

  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }
}
