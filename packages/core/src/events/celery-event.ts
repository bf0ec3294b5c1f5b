/**
 * One Celery event (spec §8.2) as it travels and as `app.events` hands it over: the standard fields
 * every event has, plus the fields of its type (§8.3), e.g. `uuid`, `name`, `result` on task events
 * or `freq`, `active`, `processed` on worker events.
 */
export interface CeleryEvent {
  /** Event type: `worker-heartbeat`, `task-succeeded`... (its routing key with `.` for `-`). */
  type: string;
  /** Node name of the sender (`worker@host`; clients `gen<pid>@host`). */
  hostname: string;
  /** When it happened, UNIX time in seconds (a float, as Python's `time.time()`). */
  timestamp: number;
  /** The sender's offset from UTC in hours WEST of UTC (Python's `time.timezone // 3600`: UTC+2 is `-2`). */
  utcoffset: number;
  /** The sender's process id. */
  pid: number;
  /** The sender's Lamport clock when it sent the event. */
  clock: number;
  /** Fields of the event's type. */
  [field: string]: unknown;
}
