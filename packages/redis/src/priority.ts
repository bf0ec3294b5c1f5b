/**
 * tq priorities run 9 first on every transport; kombu's Redis transport consumes its buckets in
 * ascending order, so 0 runs first there (spec §2.4). tq priority `p` is stored as kombu priority
 * `9 - p`: in the envelope's `properties.priority` and as the bucket (list) it is pushed to, so a
 * Python worker and a Python restore put it exactly where tq would.
 */

/** Priority levels, in either direction. */
export const PRIORITY_LEVELS = 10;

/** The kombu priority (= bucket index, 0 consumed first) of a tq priority (9 runs first). */
export function kombuPriorityOf(tqPriority: number | undefined): number {
  return PRIORITY_LEVELS - 1 - clamp(tqPriority);
}

/** The tq priority of a kombu priority read from an envelope; missing means kombu 0 (tq 9). */
export function tqPriorityOf(kombuPriority: unknown): number {
  return PRIORITY_LEVELS - 1 - clamp(typeof kombuPriority === 'number' ? kombuPriority : 0);
}

function clamp(priority: number | undefined): number {
  if (priority === undefined || !Number.isFinite(priority)) return 0;
  return Math.min(PRIORITY_LEVELS - 1, Math.max(0, Math.round(priority)));
}
