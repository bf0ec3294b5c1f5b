import { toPythonJson } from '../protocol/to-python-json.js';
import type { PlaneMessage } from '../spec/control-channel.js';
import type { CeleryEvent } from './celery-event.js';

/**
 * One event, or a `task.multi` list of them, as the {@link PlaneMessage} a transport publishes:
 * the JSON body as Python's `json.dumps` writes it (spec §1.10), and kombu's event headers
 * `{hostname}` (spec §8.1).
 *
 * @throws UnencodableValueError when a field has no JSON form (events built by tq never do).
 */
export function encodeEvents(events: CeleryEvent | readonly CeleryEvent[], hostname: string): PlaneMessage {
  return { body: Buffer.from(toPythonJson(events, 'event')), headers: { hostname } };
}
