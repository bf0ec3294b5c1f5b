import type { ResultMeta } from '@tq/core';

/**
 * The client's view of its tasks: the latest record per task, bounded (oldest dropped first).
 * A stored SUCCESS is kept against later states, as the contract requires of every backend.
 */
export class ResultCache {
  private readonly records = new Map<string, ResultMeta>();

  constructor(private readonly capacity: number) {}

  /** Record `meta`; false when it was ignored (a SUCCESS is already stored). */
  put(taskId: string, meta: ResultMeta): boolean {
    const previous = this.records.get(taskId);
    if (previous?.status === 'SUCCESS' && meta.status !== 'SUCCESS') return false;
    this.records.delete(taskId);
    this.records.set(taskId, meta);
    if (this.records.size > this.capacity) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
    return true;
  }

  get(taskId: string): ResultMeta | undefined {
    return this.records.get(taskId);
  }

  delete(taskId: string): void {
    this.records.delete(taskId);
  }
}
