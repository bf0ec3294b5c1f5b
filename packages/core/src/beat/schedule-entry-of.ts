import { ConfigurationError } from '../errors/configuration-error.js';
import { toPythonJson } from '../protocol/to-python-json.js';
import type { ScheduleOptions } from '../spec/schedule-options.js';
import type { ScheduleEntry } from '../spec/schedule-store.js';
import type { ScheduleTiming } from '../spec/schedule-timing.js';
import type { SignatureJson } from '../spec/task-message.js';
import { checkTiming, instantOf } from './next-tick.js';
import { firstTick } from './plan-tick.js';

/**
 * A checked, JSON-safe entry for schedule `name` (dates of the timing and options become ISO
 * strings; the signature is kept in its wire form), waiting for its first tick after `nowMs`.
 * Throws a `ConfigurationError` saying what is wrong, or an `UnencodableValueError` naming an
 * argument the wire cannot carry.
 */
export function scheduleEntryOf(
  name: string,
  timing: ScheduleTiming,
  signature: SignatureJson,
  options: ScheduleOptions,
  owner: ScheduleEntry['owner'],
  nowMs: number,
): ScheduleEntry {
  const where = `schedule '${name}'`;
  if (!name) throw new ConfigurationError('a schedule needs a non-empty name');
  checkTiming(name, timing);
  if (signature.subtask_type !== null) {
    throw new ConfigurationError(`${where}: schedule a task signature (task.s(...)); chains and groups can be started by that task`);
  }
  checkOptions(where, options);
  const entry: ScheduleEntry = {
    name,
    timing: jsonSafe(timing),
    // In its wire form: Dates and bytes stay kombu-tagged in any store, and arrive as Dates and bytes.
    signature: JSON.parse(toPythonJson(signature, 'signature', where)) as SignatureJson,
    options: jsonSafe(options),
    owner,
    paused: false,
    nextRunAt: null,
    lastRunAt: null,
    runCount: 0,
    lastTaskId: null,
    lastOutcome: null,
  };
  entry.nextRunAt = firstTick(entry, nowMs);
  return entry;
}

function checkOptions(where: string, options: ScheduleOptions): void {
  const { catchUp, overlap, expiresMs, limit, priority, startAt, endAt } = options;
  const positive = (value: number | undefined) => value === undefined || (Number.isFinite(value) && value > 0);
  if (
    catchUp !== undefined &&
    catchUp !== 'skip' &&
    catchUp !== 'latest' &&
    !(typeof catchUp === 'object' && positive(catchUp.backfillMs))
  ) {
    throw new ConfigurationError(`${where}: catchUp must be 'skip', 'latest' or { backfillMs: <positive ms> }`);
  }
  if (overlap !== undefined && overlap !== 'allow' && overlap !== 'skipIfRunning') {
    throw new ConfigurationError(`${where}: overlap must be 'allow' or 'skipIfRunning'`);
  }
  if (!positive(expiresMs)) throw new ConfigurationError(`${where}: expiresMs must be a positive number of ms`);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    throw new ConfigurationError(`${where}: limit must be a positive whole number`);
  if (priority !== undefined && !(Number.isInteger(priority) && priority >= 0 && priority <= 9)) {
    throw new ConfigurationError(`${where}: priority must be a whole number from 0 to 9`);
  }
  for (const [field, value] of [
    ['startAt', startAt],
    ['endAt', endAt],
  ] as const) {
    if (value !== undefined && Number.isNaN(instantOf(value))) throw new ConfigurationError(`${where}: ${field} is not a valid date`);
  }
}

/** Dates as ISO strings, so every store keeps the entry as JSON and reads back what was written. */
function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
