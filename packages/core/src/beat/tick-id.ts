import { v5 } from 'uuid';

/** tq's UUIDv5 namespace for schedule ticks (a fixed random uuid). */
const TICK_NAMESPACE = '5b0f8a0e-3c4d-4f6a-9b1e-7d2c6a8e4f10';

/**
 * The task id of one tick: the same for every scheduler that publishes it, so a second publish
 * of the same tick (a retry, another replica) is recognisable as the same task.
 */
export function tickId(scheduleName: string, tickMs: number): string {
  return v5(`${scheduleName}@${new Date(tickMs).toISOString()}`, TICK_NAMESPACE);
}
