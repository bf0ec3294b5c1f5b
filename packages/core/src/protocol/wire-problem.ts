import { MAX_JSON_DEPTH } from './check-json-structure.js';

/** Python's `datetime` holds years 1–9999 only: a Date outside them would fail to decode there. */
const PYTHON_YEARS = { first: 1, last: 9999 } as const;

/** The `__type__`s kombu 5.3+ decodes (spec §1.10); it refuses a message with any other. */
const KOMBU_TYPES = new Set(['datetime', 'date', 'time', 'decimal', 'uuid', 'bytes', 'base64']);

/** Workers refuse such a key (`checkJsonStructure`): say so before it is sent. */
const PROTO_KEY =
  "is a key named '__proto__', which tq workers refuse (code that merges objects turns it into prototype pollution); rename it";

/** Where in a value the first thing the wire cannot carry is, and what is wrong with it. */
export interface WireProblem {
  keys: (string | number)[];
  /** `is a Map, which JSON cannot carry; pass an object or an array of entries instead` */
  problem: string;
}

/**
 * The first value inside `root` (depth first, in key order) that has no faithful wire form: see
 * {@link wireProblemOf}, plus cycles and nesting deeper than `MAX_JSON_DEPTH` (receivers refuse it).
 * The slow walk that explains a refusal: the encoder's own walk only notices that there is one.
 */
export function findWireProblem(root: unknown): WireProblem | undefined {
  const keys: (string | number)[] = [];
  const problem = visit(root, keys, []);
  return problem === undefined ? undefined : { keys, problem };
}

function visit(value: unknown, keys: (string | number)[], ancestors: object[]): string | undefined {
  if (typeof value === 'object' && value !== null) {
    if (ancestors.includes(value))
      return 'refers back to an object that contains it (a cycle), which JSON cannot carry; pass a copy without the cycle';
    if (ancestors.length >= MAX_JSON_DEPTH) {
      return `nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects, which workers refuse; flatten it or pass a reference to the data`;
    }
  }
  const problem = wireProblemOf(value);
  if (problem !== undefined || typeof value !== 'object' || value === null || value instanceof Date || value instanceof Uint8Array) {
    return problem;
  }
  ancestors.push(value);
  const record = value as Record<string, unknown>;
  const entries: (string | number)[] = Array.isArray(value) ? [...value.keys()] : Object.keys(value);
  for (const key of entries) {
    const item = record[key];
    // An object property holding undefined is left out, as JSON.stringify does: it reads the same.
    if (item === undefined && typeof key === 'string') continue;
    keys.push(key);
    if (key === '__proto__') return PROTO_KEY;
    const found = visit(item, keys, ancestors);
    if (found !== undefined) return found;
    keys.pop();
  }
  ancestors.pop();
  return undefined;
}

/**
 * Why `value` itself (not what it contains) has no faithful wire form, or `undefined` when it has
 * one: JSON's values (finite numbers), a valid `Date` within Python's years, a `Uint8Array`, an
 * array, or a plain object (whose prototype is `Object.prototype` or null). An object shaped like
 * a kombu tagged value must carry a type kombu knows. Each answer says what to pass instead.
 */
export function wireProblemOf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value)
        ? undefined
        : `is ${value}, which JSON cannot carry (it would arrive as null); pass null or a string instead`;
    case 'undefined':
      return 'is undefined, which JSON cannot carry (it would arrive as null); pass null instead, or leave it out';
    case 'bigint':
      return 'is a BigInt, which JSON cannot carry; pass a string, or a number if it is within ±2^53';
    case 'symbol':
      return 'is a symbol, which JSON cannot carry; pass a string instead';
    case 'function':
      return 'is a function, which JSON cannot carry; pass data, and let the worker choose the code by a name';
  }
  if (value === null || Array.isArray(value)) return undefined;
  const object = value as object;
  const proto: unknown = Object.getPrototypeOf(object);
  // A plain object, also from another realm (a vm context): its prototype is a root.
  if (proto === null || Object.getPrototypeOf(proto) === null) return taggedShapeProblem(object as Record<string, unknown>);
  if (object instanceof Date) return dateProblem(object);
  if (object instanceof Uint8Array) return undefined;
  if (object instanceof Map) return 'is a Map, which JSON cannot carry; pass an object or an array of entries instead';
  if (object instanceof Set) return 'is a Set, which JSON cannot carry; pass an array instead';
  const name = constructorName(proto);
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) {
    return `is a ${name}, which JSON cannot carry; pass a Uint8Array of its bytes or an array of numbers instead`;
  }
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    return `is a ${name}, which would arrive as its toJSON() form without its class; pass value.toJSON() (or the data it stands for) instead`;
  }
  return `is a ${name}, which would arrive as a plain object without its class; pass a plain object ({ ...value }) or the data it stands for instead`;
}

function dateProblem(date: Date): string | undefined {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year)) return 'is an invalid Date, which has no ISO form; pass a valid Date or null instead';
  if (year < PYTHON_YEARS.first || year > PYTHON_YEARS.last) {
    return `is a Date in the year ${year}, outside the years ${PYTHON_YEARS.first}–${PYTHON_YEARS.last} that Python's datetime holds; pass an ISO string instead`;
  }
  return undefined;
}

/** kombu decodes any object with exactly the keys `__type__` and `__value__`, and refuses unknown types. */
function taggedShapeProblem(record: Record<string, unknown>): string | undefined {
  if (!('__type__' in record) || !('__value__' in record) || Object.keys(record).length !== 2) return undefined;
  if (KOMBU_TYPES.has(record.__type__ as string)) return undefined;
  return `is shaped like a kombu tagged value with the unknown __type__ ${JSON.stringify(String(record.__type__)).slice(0, 60)}, which Python refuses to decode; rename its keys`;
}

function constructorName(proto: unknown): string {
  const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'class instance';
}
