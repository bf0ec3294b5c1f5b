import { describe, expect, it } from 'vitest';
import { argsRepr, kwargsRepr } from '../../src/index.js';

describe('argsRepr / kwargsRepr', () => {
  it.each([
    [[2, 3], '(2, 3)'],
    [[7], '(7,)'],
    [[], '()'],
    [[[2, 2]], '([2, 2],)'],
    [['a', "it's", 'say "hi"', `both ' "`], `('a', "it's", 'say "hi"', 'both \\' "')`],
    [[null, undefined, true, false], '(None, None, True, False)'],
    [[1.5, -0.25, 1e-7, 1e22, Number.NaN, Number.POSITIVE_INFINITY, 10n], '(1.5, -0.25, 1e-07, 10000000000000000000000, nan, inf, 10)'],
    [['line\nbreak\ttab\\slash\u0001', 'ünï 😀'], "('line\\nbreak\\ttab\\\\slash\\x01', 'ünï 😀')"],
    [[{ a: [1, { b: null }] }], "({'a': [1, {'b': None}]},)"],
    [
      [new Date('2026-11-21T10:45:46.457Z'), new Date('2026-11-21T10:45:00Z'), new Date('nope')],
      '(datetime.datetime(2026, 11, 21, 10, 45, 46, 457000, tzinfo=datetime.timezone.utc), datetime.datetime(2026, 11, 21, 10, 45, tzinfo=datetime.timezone.utc), Invalid Date)',
    ],
    [[Buffer.from("it's\n\x00\xff\\"), new Uint8Array([0x27, 0x22])], "(b\"it's\\n\\x00\\xc3\\xbf\\\\\", b'\\'\"')"],
  ])('argsRepr case %#', (args, expected) => {
    expect(argsRepr(args)).toBe(expected);
  });

  it('kwargs as a dict', () => {
    expect(kwargsRepr({ y: 5 })).toBe("{'y': 5}");
    expect(kwargsRepr({})).toBe('{}');
    expect(kwargsRepr({ a: 'x', b: [true] })).toBe("{'a': 'x', 'b': [True]}");
  });

  it('marks cycles instead of recursing', () => {
    const list: unknown[] = [1];
    list.push(list);
    expect(argsRepr([list])).toBe('([1, [...]],)');
  });

  it('truncates a long string like saferepr', () => {
    const repr = argsRepr(['x'.repeat(5000)]);
    expect(repr).toBe(`('${'x'.repeat(1023)}...',)`);
  });

  it('stops after 1024 characters with ", ..." and closes brackets', () => {
    const repr = argsRepr(Array.from({ length: 1000 }, () => [12345]));
    expect(repr.length).toBeLessThan(1040);
    expect(repr.endsWith(', ...)')).toBe(true);
    expect(repr.startsWith('([12345], [12345]')).toBe(true);
    const nested = kwargsRepr({ big: Array.from({ length: 1000 }, (_, i) => i) });
    expect(nested.endsWith(', ...]}')).toBe(true);
  });
});
