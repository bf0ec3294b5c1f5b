import { describe, expect, it } from 'vitest';
import { formatPythonDate, parseKombuJson, parsePythonDate, toPythonJson } from '../../src/index.js';

describe('toPythonJson', () => {
  it("writes json.dumps' separators and ASCII escapes, never touching string contents", () => {
    expect(toPythonJson({ a: [1, 2], 'k:,': 'v, x: y', e: 'é€😀\u007f', n: null })).toBe(
      '{"a": [1, 2], "k:,": "v, x: y", "e": "\\u00e9\\u20ac\\ud83d\\ude00\\u007f", "n": null}',
    );
    expect(toPythonJson(['q"uote\\', '\n'])).toBe('["q\\"uote\\\\", "\\n"]');
  });

  it('parses back to the same value', () => {
    const value = { s: 'ünï, : "x"', list: [1.5, true, null, { nested: ['😀'] }] };
    expect(JSON.parse(toPythonJson(value))).toEqual(value);
  });

  it('refuses values with no JSON form', () => {
    expect(() => toPythonJson(undefined)).toThrow(/^value is undefined/);
  });
});

describe('parseKombuJson', () => {
  it('is plain JSON.parse when there is no tag', () => {
    expect(parseKombuJson('{"__type__": 1}')).toEqual({ __type__: 1 });
    expect(parseKombuJson('[1, {"a": "b"}]')).toEqual([1, { a: 'b' }]);
  });

  it('leaves objects with extra keys or an unknown type alone', () => {
    const extra = { __type__: 'date', __value__: '2026-01-01', x: 1 };
    const unknown = { __type__: 'mystery', __value__: 1 };
    expect(parseKombuJson(JSON.stringify([extra, unknown]))).toEqual([extra, unknown]);
  });

  it('refuses a known tag with a malformed value, naming its path', () => {
    const badUuid = { __type__: 'uuid', __value__: { hex: 'zz' } };
    expect(() => parseKombuJson(JSON.stringify({ result: [1, { id: badUuid }] }))).toThrow(
      /^value\.result\[1\]\.id is a kombu-tagged uuid whose value \{"hex":"zz"\} is not/,
    );
  });
});

describe('Python dates', () => {
  it('formats like datetime.isoformat()', () => {
    expect(formatPythonDate(new Date('2026-11-21T10:45:46.457Z'), { aware: true })).toBe('2026-11-21T10:45:46.457000+00:00');
    expect(formatPythonDate(new Date('2026-11-21T10:45:46Z'), { aware: true })).toBe('2026-11-21T10:45:46+00:00');
    expect(formatPythonDate(new Date('2026-11-21T10:46:02.315Z'), { aware: false })).toBe('2026-11-21T10:46:02.315000');
    expect(() => formatPythonDate(new Date('nope'), { aware: true })).toThrow(RangeError);
  });

  it.each([
    ['2026-11-21T10:45:46.457524+00:00', '2026-11-21T10:45:46.457Z'],
    ['2026-11-21T10:46:02.315322', '2026-11-21T10:46:02.315Z'],
    ['2026-11-21T12:45:46+02:00', '2026-11-21T10:45:46.000Z'],
    ['2026-11-21T05:15:46-0530', '2026-11-21T10:45:46.000Z'],
    ['2026-11-21 10:45:46Z', '2026-11-21T10:45:46.000Z'],
    ['2026-11-21T10:45', '2026-11-21T10:45:00.000Z'],
    ['2026-11-21', '2026-11-21T00:00:00.000Z'],
    ['0099-01-01T00:00:00', '0099-01-01T00:00:00.000Z'],
    // Python writes seconds in an offset for historic local mean time (Europe/Paris in 1900).
    ['1900-01-01T00:00:00+00:09:21', '1899-12-31T23:50:39.000Z'],
    ['1900-01-01T00:00:00-00:09:21.500000', '1900-01-01T00:09:21.500Z'],
  ])('parses %s', (text, iso) => {
    expect(parsePythonDate(text)?.toISOString()).toBe(iso);
  });

  it.each(['', 'tomorrow', '2026-13-01', '2026-02-29', '2026-11-21T24:00:00', '2026-11-21T10:45:46+2', '1795258018'])(
    'rejects %j',
    (text) => {
      expect(parsePythonDate(text)).toBeNull();
    },
  );
});
