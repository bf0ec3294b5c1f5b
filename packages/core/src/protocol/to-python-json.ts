import { isUtf8 } from 'node:buffer';
import { UnencodableValueError } from '../errors/unencodable-value-error.js';
import { MAX_JSON_DEPTH } from './check-json-structure.js';
import { formatPythonDate } from './format-python-date.js';
import { jsonPath } from './json-path.js';
import { findWireProblem, wireProblemOf } from './wire-problem.js';

const NEEDS_ESCAPE = /[\u007f-\uffff]/;
const NON_ASCII = /[\u007f-\uffff]/g;
const UNDERSCORE = 95;
/** Longer lists are joined once: appending builds a chain of string pieces that costs more to flatten. */
const SHORT_LIST = 16;
/** Thrown by the writer at the first value it refuses; the slow walk then finds where and why. */
const REFUSED = new Error('refused');

/**
 * kombu's JSON as Python's `json.dumps` writes it: `", "` / `": "` separators and non-ASCII escaped
 * as `\uXXXX`, so what tq writes looks exactly like what Celery writes (spec §1.10). A `Date` is
 * written as kombu 5.3+'s `{"__type__": "datetime", "__value__": "<isoformat(), +00:00>"}`, a
 * `Uint8Array` (Buffer) as `bytes` (its UTF-8 text) or, when not UTF-8, `base64`, as kombu does.
 * Object properties holding `undefined` are left out (they read the same); everything else without
 * a faithful wire form is refused (see `wireProblemOf`): `undefined` in a list, NaN, a BigInt, a
 * Map, a class instance, a cycle, nesting deeper than `MAX_JSON_DEPTH` (workers refuse it).
 *
 * Written by one walk that checks as it goes, rather than `JSON.stringify` and a pass adding the
 * spaces: that is faster for the small bodies most messages have (and no slower for large ones).
 *
 * @param root names `value` in an error's path (`args`, `result`). Default `value`.
 * @param context goes before the path in an error (`task 'reports.build'`).
 * @throws UnencodableValueError naming the path and what to pass instead (`value[1].when is a Map, ...`).
 */
export function toPythonJson(value: unknown, root = 'value', context?: string): string {
  let json: string;
  try {
    json = write(value, 1);
  } catch (error) {
    if (error !== REFUSED) throw error;
    const found = findWireProblem(value) ?? { keys: [], problem: 'has no JSON form' };
    throw new UnencodableValueError(`${context ? `${context}: ` : ''}${jsonPath(root, found.keys)} ${found.problem}`, found);
  }
  // Only string contents can hold non-ASCII characters: the structure is ASCII.
  return NEEDS_ESCAPE.test(json) ? json.replace(NON_ASCII, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/**
 * `value` as JSON with Python's separators. Depth counts like `checkJsonStructure` (the root is 1).
 * Recursive: the depth limit bounds the stack, and a cycle ends at the limit too.
 */
function write(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // String(n) is JSON's form of a finite number (Number::toString, -0 as 0), without a call.
      if (Number.isFinite(value)) return `${value}`;
      throw REFUSED;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth > MAX_JSON_DEPTH) throw REFUSED;
      return Array.isArray(value) ? writeArray(value, depth) : writeObject(value, depth);
    default:
      throw REFUSED;
  }
}

function writeArray(items: unknown[], depth: number): string {
  const count = items.length;
  if (count === 0) return '[]';
  if (typeof items[0] === 'number' && allFinite(items)) return JSON.stringify(items).replaceAll(',', ', ');
  if (count > SHORT_LIST) {
    const parts = new Array<string>(count);
    for (let i = 0; i < count; i++) parts[i] = write(items[i], depth + 1);
    return `[${parts.join(', ')}]`;
  }
  let json = `[${write(items[0], depth + 1)}`;
  for (let i = 1; i < count; i++) json += `, ${write(items[i], depth + 1)}`;
  return `${json}]`;
}

/** Long lists of numbers are common (vectors, ids): JSON.stringify writes them faster, and they hold no string. */
function allFinite(items: unknown[]): boolean {
  for (let i = 0; i < items.length; i++) if (!Number.isFinite(items[i])) return false;
  return true;
}

function writeObject(value: object, depth: number): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    if (wireProblemOf(value) !== undefined) throw REFUSED;
    if (value instanceof Date) return `{"__type__": "datetime", "__value__": "${formatPythonDate(value, { aware: true })}"}`;
    if (value instanceof Uint8Array) return bytesJson(value);
  }
  const record = value as Record<string, unknown>;
  let json = '';
  // Own keys only, as JSON.stringify: a polluted Object.prototype must not leak into messages.
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (item === undefined) continue;
    // Only keys starting with '_' can be '__proto__' (workers refuse it) or a kombu tag's '__type__'.
    if (key.charCodeAt(0) === UNDERSCORE && (key === '__proto__' || (key === '__type__' && wireProblemOf(value) !== undefined))) {
      throw REFUSED;
    }
    json += `${json === '' ? '{' : ', '}${JSON.stringify(key)}: ${write(item, depth + 1)}`;
  }
  return json === '' ? '{}' : `${json}}`;
}

/** kombu's form of bytes: the text when it is UTF-8 (Python decodes it strictly, as `isUtf8` checks), else base64. */
function bytesJson(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isUtf8(buffer)
    ? `{"__type__": "bytes", "__value__": ${JSON.stringify(buffer.toString('utf8'))}}`
    : `{"__type__": "base64", "__value__": "${buffer.toString('base64')}"}`;
}
