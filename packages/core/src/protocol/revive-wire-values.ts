import { MessageDecodeError } from '../errors/message-decode-error.js';
import { jsonPath } from './json-path.js';
import { parsePythonDate } from './parse-python-date.js';

/** A text with a lone UTF-16 surrogate: no bytes encode it, and Python's `str.encode` refuses it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Replaces, in place, every kombu 5.3+ tagged value inside a parsed JSON value (spec §1.10: any
 * object whose keys are exactly `__type__` and `__value__`) with the JavaScript value it stands for,
 * and returns the result (`root` itself, unless `root` is a tag):
 *
 * - `datetime` → a `Date`. A naive datetime is taken as UTC (as Celery reads naive dates); digits
 *   below the millisecond are dropped, since a Date holds milliseconds.
 * - `bytes` (UTF-8 text) and `base64` → a `Buffer` (a `Uint8Array`) of the bytes.
 * - `date`, `time`, `decimal` → their ISO / decimal string; `uuid` → the dashed lowercase string.
 *   JavaScript has no type that holds them faithfully (a Date is an instant, not a calendar day or
 *   a wall time; a number rounds decimals), and a string loses nothing.
 *
 * A known tag whose value is malformed is refused, as Python refuses it; an unknown `__type__` is
 * left as the object (Python refuses the message; tq hands the task what it received).
 *
 * A walk with its own stack, not a `JSON.parse` reviver: the reviver recurses, and a deeply nested
 * body overflowed it before any depth check could say what was wrong.
 *
 * @param what names `root` in an error's path (`Body`). Default `value`.
 * @throws MessageDecodeError naming the path of a malformed tag (`Body[0][1].when: ...`).
 */
export function reviveWireValues(root: unknown, what = 'value'): unknown {
  if (typeof root !== 'object' || root === null) return root;
  const top = revived(root, root, what);
  if (top !== root) return top;
  const stack: object[] = [root];
  for (let container = stack.pop(); container; container = stack.pop()) {
    const record = container as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item !== 'object' || item === null) continue;
      const replacement = revived(item, root, what);
      // Assigning to '__proto__' would change the prototype: such a key is refused anyway.
      if (replacement !== item && key !== '__proto__') record[key] = replacement;
      else stack.push(item);
    }
  }
  return root;
}

/** The JavaScript value of a tagged object, or the object itself. */
function revived(value: object, root: object, what: string): unknown {
  if (Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 2 || !('__type__' in value) || !('__value__' in value)) return value;
  const type = value.__type__;
  const tagged = value.__value__;
  const refuse = (problem: string) => new MessageDecodeError(`${pathOf(root, value, what)} is a kombu-tagged ${type} ${problem}`);
  switch (type) {
    case 'datetime': {
      const date = typeof tagged === 'string' ? parsePythonDate(tagged) : null;
      if (!date) throw refuse(`whose value ${shown(tagged)} is not an ISO-8601 datetime that JavaScript can read`);
      return date;
    }
    case 'date':
    case 'time':
    case 'decimal':
      if (typeof tagged !== 'string') throw refuse(`whose value ${shown(tagged)} is not a string`);
      return tagged;
    case 'bytes':
      if (typeof tagged !== 'string' || LONE_SURROGATE.test(tagged)) throw refuse(`whose value ${shown(tagged)} is not Unicode text`);
      return Buffer.from(tagged, 'utf8');
    case 'base64':
      if (typeof tagged !== 'string') throw refuse(`whose value ${shown(tagged)} is not a base64 string`);
      return Buffer.from(tagged, 'base64');
    case 'uuid': {
      const uuid = uuidFromTagged(tagged);
      if (uuid === undefined) throw refuse(`whose value ${shown(tagged)} is not {"hex": "<32 hex digits>"}`);
      return uuid;
    }
    default:
      return value;
  }
}

function uuidFromTagged(tagged: unknown): string | undefined {
  const hex = typeof tagged === 'object' && tagged !== null && 'hex' in tagged ? tagged.hex : tagged;
  if (typeof hex !== 'string') return undefined;
  const digits = hex.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(digits)) return undefined;
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** The path of `target` inside `root`, for the error: a second walk, made only when refusing. */
function pathOf(root: object, target: object, what: string): string {
  const stack: { value: object; keys: (string | number)[] }[] = [{ value: root, keys: [] }];
  for (let step = stack.pop(); step; step = stack.pop()) {
    if (step.value === target) return jsonPath(what, step.keys);
    const record = step.value as Record<string, unknown>;
    for (const key of Array.isArray(record) ? [...record.keys()] : Object.keys(record)) {
      const item = record[key];
      if (typeof item === 'object' && item !== null) stack.push({ value: item, keys: [...step.keys, key] });
    }
  }
  return what;
}
