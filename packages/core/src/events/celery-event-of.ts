import type { CeleryEvent } from './celery-event.js';
import type { LamportClock } from './lamport-clock.js';
import { utcOffset } from './utc-offset.js';

/**
 * A complete event of `type` sent by `hostname`: the standard fields in Celery's order (hostname,
 * utcoffset, pid, clock, the type's fields, timestamp, type; spec §8.2), ticking `clock` once as
 * Celery's dispatcher does for every event it sends or buffers.
 *
 * @param timestampMs when it happened, milliseconds since the epoch. Default now.
 */
export function celeryEventOf(
  type: string,
  fields: Record<string, unknown>,
  sender: { hostname: string; clock: LamportClock },
  timestampMs: number = Date.now(),
): CeleryEvent {
  return {
    hostname: sender.hostname,
    utcoffset: utcOffset(),
    pid: process.pid,
    clock: sender.clock.tick(),
    ...fields,
    timestamp: timestampMs / 1000,
    type,
  };
}
