import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  createTaskMessage,
  decodeBody,
  encodedBodyOf,
  fromEnvelope,
  MessageDecodeError,
  parseKombuJson,
  TqError,
  toEnvelope,
  toPythonJson,
  UnencodableValueError,
} from '../../src/index.js';

const tag = (type: string, value: unknown) => ({ __type__: type, __value__: value });
const utf8 = (text: string) => new TextEncoder().encode(text);

/** The error `toPythonJson(value)` throws. */
function refusal(value: unknown): UnencodableValueError {
  try {
    toPythonJson(value);
  } catch (error) {
    if (error instanceof UnencodableValueError) return error;
    throw error;
  }
  throw new Error('toPythonJson accepted the value');
}

describe('encoding Dates and bytes as kombu 5.3+ does', () => {
  it("writes a Date as a tagged datetime in Python's isoformat() of an aware UTC datetime", () => {
    expect(toPythonJson([new Date('2026-11-21T10:45:46.457Z')])).toBe(
      '[{"__type__": "datetime", "__value__": "2026-11-21T10:45:46.457000+00:00"}]',
    );
    // isoformat() leaves out a zero fraction; years below 1000 keep four digits.
    expect(toPythonJson(new Date('0099-01-02T03:04:05Z'))).toBe('{"__type__": "datetime", "__value__": "0099-01-02T03:04:05+00:00"}');
  });

  it('writes UTF-8 bytes as a bytes tag (keeping a BOM) and other bytes as base64, like kombu', () => {
    expect(toPythonJson({ b: Buffer.from('\ufeffhé', 'utf8') })).toBe('{"b": {"__type__": "bytes", "__value__": "\\ufeffh\\u00e9"}}');
    expect(toPythonJson(new Uint8Array([0xff, 0x00, 0x80]))).toBe('{"__type__": "base64", "__value__": "/wCA"}');
    // A view into a larger buffer: only its own bytes.
    const view = new Uint8Array([0x41, 0x42, 0x43, 0x44]).subarray(1, 3);
    expect(toPythonJson(view)).toBe('{"__type__": "bytes", "__value__": "BC"}');
    expect(toPythonJson(new Uint8Array())).toBe('{"__type__": "bytes", "__value__": ""}');
    // An encoded surrogate (CESU-8) is not UTF-8 for Python either.
    expect(toPythonJson(Buffer.from([0xed, 0xa0, 0x80]))).toBe('{"__type__": "base64", "__value__": "7aCA"}');
  });

  it('decodes what it encodes: same instants, same bytes, plain JSON unchanged', () => {
    const value = {
      when: new Date('2026-02-03T04:05:06.789Z'),
      text: Buffer.from('plain text'),
      binary: Buffer.from([0, 1, 254, 255]),
      list: [1, 'two', null, true, { deep: [new Date(0)] }],
      numbers: [1, 2.5, -3, 1e21],
    };
    const back = parseKombuJson(toPythonJson(value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.when).toBeInstanceOf(Date);
    expect(Buffer.isBuffer(back.binary)).toBe(true);
    expect(toPythonJson(value.numbers)).toBe('[1, 2.5, -3, 1e+21]');
  });

  it('passes a known kombu tag written by hand (a Decimal for Python) and a plain object from another realm', () => {
    expect(toPythonJson([tag('decimal', '1.10')])).toBe('[{"__type__": "decimal", "__value__": "1.10"}]');
    expect(toPythonJson(runInNewContext('({ a: [1] })'))).toBe('{"a": [1]}');
    expect(toPythonJson(Object.assign(Object.create(null), { a: 1 }))).toBe('{"a": 1}');
  });

  it('leaves out object properties holding undefined, as an absent optional property reads the same', () => {
    expect(toPythonJson({ a: 1, b: undefined, c: { d: undefined } })).toBe('{"a": 1, "c": {}}');
  });
});

describe('refusing values with no faithful wire form, naming the path', () => {
  it.each([
    ['undefined in a list', [1, undefined], 'value[1] is undefined, which JSON cannot carry (it would arrive as null)'],
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
    ['a hole in a list', [1, , 3], 'value[1] is undefined'],
    ['NaN', { x: { y: Number.NaN } }, 'value.x.y is NaN, which JSON cannot carry'],
    ['Infinity', [Number.NEGATIVE_INFINITY], 'value[0] is -Infinity'],
    ['a BigInt', { n: 10n }, 'value.n is a BigInt, which JSON cannot carry; pass a string'],
    ['a symbol', [Symbol('s')], 'value[0] is a symbol'],
    ['a function', { f: () => 1 }, 'value.f is a function'],
    [
      'a Map',
      { when: { at: new Map() } },
      'value.when.at is a Map, which JSON cannot carry; pass an object or an array of entries instead',
    ],
    ['a Set', [new Set([1])], 'value[0] is a Set, which JSON cannot carry; pass an array instead'],
    ['a class instance', [new (class Point {})()], 'value[0] is a Point, which would arrive as a plain object without its class'],
    ['a typed array', [new Float64Array(2)], 'value[0] is a Float64Array, which JSON cannot carry; pass a Uint8Array of its bytes'],
    ['an object with toJSON', [new URL('http://x')], 'value[0] is a URL, which would arrive as its toJSON() form'],
    ['an invalid Date', { at: new Date('nope') }, 'value.at is an invalid Date'],
    [
      'a Date Python cannot hold',
      [new Date('+010000-01-01T00:00:00Z')],
      "value[0] is a Date in the year 10000, outside the years 1–9999 that Python's datetime holds",
    ],
    [
      'an unknown kombu tag',
      [tag('set', [1])],
      'value[0] is shaped like a kombu tagged value with the unknown __type__ "set", which Python refuses',
    ],
    ['odd keys', { 'user id': [undefined] }, 'value["user id"][0] is undefined'],
  ])('%s', (_, value, message) => {
    const error = refusal(value);
    expect(TqError.is(error, 'TQ_UNENCODABLE_VALUE')).toBe(true);
    expect(error.message.startsWith(message)).toBe(true);
  });

  it('a value that is undefined itself', () => {
    expect(refusal(undefined).message).toMatch(/^value is undefined/);
  });

  it('a cycle, at the key that closes it', () => {
    const node: Record<string, unknown> = { name: 'a', children: [] };
    (node.children as unknown[]).push({ parent: node });
    const error = refusal({ root: node });
    expect(error.message).toMatch(/^value\.root\.children\[0\]\.parent refers back to an object that contains it \(a cycle\)/);
    expect(error.keys).toEqual(['root', 'children', 0, 'parent']);
  });

  it('nesting deeper than workers accept', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 600; i++) deep = [deep];
    expect(refusal(deep).message).toMatch(/nests deeper than 512 levels of arrays and objects, which workers refuse/);
  });

  it("a '__proto__' key, which workers refuse", () => {
    expect(refusal(JSON.parse('{"a": {"__proto__": {}}}')).message).toMatch(/^value\.a\.__proto__ is a key named '__proto__'/);
  });
});

describe('refusals when sending name the task and the argument', () => {
  it('in the arguments, the keyword arguments, and a signature the message carries', () => {
    const send = (args: unknown[], kwargs: Record<string, unknown> = {}, chain: unknown[] | null = null) => {
      const message = createTaskMessage({ task: 'reports.build', id: 'id-1', args, kwargs });
      if (chain) message.body[2].chain = chain as never;
      return () => encodedBodyOf(message);
    };
    expect(send(['x', { when: { at: new Map() } }])).toThrow(
      "task 'reports.build': args[1].when.at is a Map, which JSON cannot carry; pass an object or an array of entries instead",
    );
    expect(send([], { user: { id: 1n } })).toThrow(/^task 'reports.build': kwargs\.user\.id is a BigInt/);
    const step = { task: 'reports.render', args: [new Set()], kwargs: {}, options: {}, subtask_type: null, immutable: false };
    expect(send([1], {}, [step])).toThrow(
      /^task 'reports\.render' \(a signature at embed\.chain\[0\] in the message of task 'reports\.build'\): args\[0\] is a Set/,
    );
  });
});

describe('decoding tagged values', () => {
  const body = (args: unknown[]) => utf8(JSON.stringify([args, {}, null]));

  it('a naive datetime is UTC; digits below the millisecond are dropped; offsets are applied', () => {
    const [args] = decodeBody(
      body([
        tag('datetime', '2026-11-21T10:45:46.457999'),
        tag('datetime', '2026-11-21T12:45:46.5+02:00'),
        tag('datetime', '2026-11-21T10:45:46'),
      ]),
      {},
    );
    expect(args).toEqual([new Date('2026-11-21T10:45:46.457Z'), new Date('2026-11-21T10:45:46.500Z'), new Date('2026-11-21T10:45:46Z')]);
  });

  it('bytes arrive as a Buffer of the same bytes', () => {
    const [args] = decodeBody(body([tag('bytes', 'h\u00e9'), tag('base64', '/wCA')]), {});
    expect(args.map((b) => [...(b as Buffer)])).toEqual([
      [0x68, 0xc3, 0xa9],
      [0xff, 0x00, 0x80],
    ]);
  });

  it('a datetime JavaScript cannot read is a decode error naming the task and the path', () => {
    const message = createTaskMessage({ task: 'reports.build', id: 'id-2', args: [] });
    const envelope = JSON.parse(toEnvelope(message, { queue: 'q' }));
    envelope.body = Buffer.from(JSON.stringify([[1, { when: tag('datetime', '2026-13-45T99:00:00') }], {}, null])).toString('base64');
    let error: unknown;
    try {
      fromEnvelope(JSON.stringify(envelope));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MessageDecodeError);
    expect((error as MessageDecodeError).message).toBe(
      'Task id-2 (reports.build): Body[0][1].when is a kombu-tagged datetime whose value "2026-13-45T99:00:00" is not an ISO-8601 datetime that JavaScript can read',
    );
    expect((error as MessageDecodeError).taskId).toBe('id-2');
  });

  it('bytes text with a lone surrogate is refused, as Python cannot encode it', () => {
    expect(() => parseKombuJson('[{"__type__": "bytes", "__value__": "a\\ud800"}]')).toThrow(
      /value\[0\] is a kombu-tagged bytes whose value .* is not Unicode text/,
    );
  });
});
