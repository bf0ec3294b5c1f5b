import { MessageDecodeError } from '../errors/message-decode-error.js';

/**
 * Deepest nesting of arrays and objects a received message may have: 512 levels. `JSON.parse`
 * itself parses any depth, but everything after it that recurses does not: `JSON.stringify` (a
 * retry re-encodes the body), `structuredClone`, the repr of the arguments, the task's own code,
 * and Python's `json` on the other side (which gives up near 1000 levels). A few thousand levels
 * overflow V8's stack there, so a hostile message could make any of them throw at a random
 * place. 512 is far above real arguments and leaves room for a canvas at its own depth limit (a
 * level of canvas costs 2–4 levels of JSON; see `MAX_CANVAS_DEPTH`).
 */
export const MAX_JSON_DEPTH = 512;

/**
 * Checks a freshly parsed JSON value before anything walks it recursively: no nesting deeper than
 * {@link MAX_JSON_DEPTH}, and no `__proto__` key anywhere. `JSON.parse` makes `__proto__` an
 * ordinary own key (no prototype changes here), but code that copies keys with assignment
 * (`Object.assign`, a hand-written merge) turns it into a prototype change, and a deep merge into
 * prototype pollution of every object in the process; no Celery or tq producer sends such a key, so
 * the message is refused rather than handed to task code. `constructor` and `prototype` keys are
 * kept as data: they are ordinary words, and as own keys of parsed objects they change nothing
 * (only a merge that follows `target.constructor.prototype` could, which is the merge's bug).
 *
 * Iterative, so the check itself cannot overflow the stack; it runs for every message, so it
 * allocates nothing per container, and only a refusal walks again to say where.
 *
 * @param what names the value in the error (`Body`, `Headers`).
 * @throws MessageDecodeError naming the limit, or the path of the `__proto__` key.
 */
export function checkJsonStructure(value: unknown, what: string): void {
  if (typeof value !== 'object' || value === null) return;
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const container = values.pop() as object;
    const depth = depths.pop() as number;
    if (depth > MAX_JSON_DEPTH) throw refusal(value, what);
    if (Array.isArray(container)) {
      for (const item of container) {
        if (typeof item === 'object' && item !== null) {
          values.push(item);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    const record = container as Record<string, unknown>;
    for (const key in record) {
      if (key === '__proto__') throw refusal(value, what);
      const item = record[key];
      if (typeof item === 'object' && item !== null) {
        values.push(item);
        depths.push(depth + 1);
      }
    }
  }
}

/** A container on the way to the problem: how it was reached, for the error's path. */
interface Step {
  value: object;
  depth: number;
  parent: Step | undefined;
  key: string | number | undefined;
}

/** The error for `root`, which has a problem: walks it again, this time keeping paths. */
function refusal(root: object, what: string): MessageDecodeError {
  const stack: Step[] = [{ value: root, depth: 1, parent: undefined, key: undefined }];
  for (let step = stack.pop(); step; step = stack.pop()) {
    if (step.depth > MAX_JSON_DEPTH) {
      return new MessageDecodeError(
        `${what} nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects (at ${pathOf(what, step)}): refused before any code walks it, since deep nesting overflows the stack of recursive code (JSON.stringify, structuredClone)`,
      );
    }
    const record = step.value as Record<string, unknown>;
    // The keys the check walked (`for...in`), array indices as numbers.
    const keys: (string | number)[] = Array.isArray(record) ? [...record.keys()] : [];
    if (!Array.isArray(record)) for (const key in record) keys.push(key);
    for (const key of keys) {
      const item = record[key];
      if (key === '__proto__') {
        return new MessageDecodeError(
          `${what} has a '__proto__' key (in ${pathOf(what, step)}): refused, since code that copies or merges objects turns it into prototype pollution; rename the key`,
        );
      }
      if (typeof item === 'object' && item !== null) stack.push({ value: item, depth: step.depth + 1, parent: step, key });
    }
  }
  return new MessageDecodeError(`${what} could not be checked`);
}

/** Path segments shown before the rest of a long path is elided. */
const SHOWN_SEGMENTS = 8;

/** `Body[1].user.roles[0]`-style path of a step (a deep one elided in the middle). */
function pathOf(what: string, step: Step): string {
  const parts: string[] = [];
  for (let at: Step | undefined = step; at?.key !== undefined; at = at.parent) {
    parts.push(typeof at.key === 'number' ? `[${at.key}]` : `.${JSON.stringify(at.key).slice(1, -1).slice(0, 40)}`);
  }
  parts.reverse();
  if (parts.length <= SHOWN_SEGMENTS) return what + parts.join('');
  return `${what}${parts.slice(0, SHOWN_SEGMENTS / 2).join('')}…(${parts.length - SHOWN_SEGMENTS} more)…${parts.slice(-SHOWN_SEGMENTS / 2).join('')}`;
}
