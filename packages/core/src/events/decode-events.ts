import type { CeleryEvent } from './celery-event.js';

/** What {@link decodeEvents} found in one message body. */
export interface DecodedEvents {
  /** The well-formed events, in order. */
  events: CeleryEvent[];
  /** Why each malformed element was left out (empty when all were fine). */
  problems: string[];
}

/**
 * The events in one event message body: a single JSON object, or a list of them (Celery's
 * `task.multi` batches; receivers must accept both, spec §8.2). An element is kept when it has a
 * string `type` and `hostname` and numeric `timestamp`, `utcoffset` and `pid`; `clock` may be
 * missing (Celery's receiver tolerates that). Other elements are reported, not thrown, so one bad
 * event in a batch does not hide the rest.
 *
 * @throws SyntaxError when the body is not JSON at all, TypeError when it is not UTF-8.
 */
export function decodeEvents(body: Uint8Array): DecodedEvents {
  const parsed: unknown = JSON.parse(utf8.decode(body));
  const elements = Array.isArray(parsed) ? parsed : [parsed];
  const decoded: DecodedEvents = { events: [], problems: [] };
  for (const [index, element] of elements.entries()) {
    const problem = problemOf(element);
    if (problem) decoded.problems.push(Array.isArray(parsed) ? `event ${index}: ${problem}` : problem);
    else decoded.events.push(element as CeleryEvent);
  }
  return decoded;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const REQUIRED = { type: 'string', hostname: 'string', timestamp: 'number', utcoffset: 'number', pid: 'number' } as const;

function problemOf(element: unknown): string | undefined {
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return 'is not a JSON object';
  const record = element as Record<string, unknown>;
  for (const [field, kind] of Object.entries(REQUIRED)) {
    if (typeof record[field] !== kind) return `has no ${kind} '${field}'`;
  }
  if (record.clock !== undefined && typeof record.clock !== 'number') return "has a 'clock' that is not a number";
  return undefined;
}
