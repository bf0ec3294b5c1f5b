import { describe, expect, it } from 'vitest';
import { InvalidArgumentsError } from '../../src/errors/index.js';
import { ParameterList } from '../../src/task/parameter-list.js';

// biome-ignore lint/suspicious/noExplicitAny: parameter lists of every shape are the subject here
type AnyFn = (...args: any[]) => unknown;
const of = (fn: AnyFn) => ParameterList.of(fn);

describe('ParameterList.of reads the declared parameters', () => {
  it.each<[string, AnyFn, (string | null)[], number, boolean]>([
    ['arrow', (x: number, y: number) => x + y, ['x', 'y'], 2, false],
    ['async arrow', async (x: number, y: number) => x + y, ['x', 'y'], 2, false],
    ['lone arrow parameter', (x: number) => x, ['x'], 1, false],
    [
      'function expression',
      function named(a: number, b: string) {
        return [a, b];
      },
      ['a', 'b'],
      2,
      false,
    ],
    ['async function', async (a: number) => a, ['a'], 1, false],
    ['defaults (not required)', (x: number, y = 2) => x + y, ['x', 'y'], 1, false],
    ['defaults with commas and calls', (x = Math.max(1, 2), y = [1, 2]) => [x, y], ['x', 'y'], 0, false],
    ['destructured parameters', ({ a }: { a: number }, [b]: number[]) => a + (b ?? 0), [null, null], 2, false],
    ['rest parameter', (first: number, ...rest: number[]) => [first, rest], ['first', null], 1, true],
    ['no parameters', () => 1, [], 0, false],
  ])('%s', (_label, fn, names, required, variadic) => {
    const params = of(fn);
    expect(params.names).toEqual(names);
    expect(params.required).toBe(required);
    expect(params.variadic).toBe(variadic);
  });

  it('ignores comments between parameters', () => {
    // biome-ignore format: the comments are the point
    const fn = new Function('x /* the first, (really) */, y // the second\n', 'return x + y') as AnyFn;
    expect(of(fn).names).toEqual(['x', 'y']);
  });

  it('is not fooled by commas or brackets inside string defaults', () => {
    const fn = new Function("sep = ', ', close = ')'", 'return sep + close') as AnyFn;
    expect(of(fn).names).toEqual(['sep', 'close']);
  });

  it('accepts any arguments for functions whose source it cannot see (bound, native)', () => {
    const target = {
      base: 10,
      add(x: number) {
        return this.base + x;
      },
    };
    const bound = of(target.add.bind(target));
    expect(bound.bind('t', [1], {})).toEqual([1]);
    expect(() => bound.bind('t', [1], { x: 2 })).toThrow(InvalidArgumentsError);
    expect(of(Math.max).bind('max', [1, 2, 3], {})).toEqual([1, 2, 3]);
  });
});

describe('ParameterList.bind places args and Celery kwargs', () => {
  const add = of((x: number, y: number) => x + y);

  it('positional arguments pass through', () => {
    expect(add.bind('add', [2, 3], {})).toEqual([2, 3]);
  });

  it('kwargs fill parameters by name, like a Python caller (add.apply_async((2,), {"y": 5}))', () => {
    expect(add.bind('add', [2], { y: 5 })).toEqual([2, 5]);
    expect(add.bind('add', [], { y: 5, x: 2 })).toEqual([2, 5]);
  });

  it('a skipped optional parameter stays undefined, so its default applies', () => {
    const fn = (x: number, y = 2, z = 3) => x + y + z;
    const bound = of(fn).bind('f', [1], { z: 30 });
    expect(fn(...(bound as [number, number, number]))).toBe(33);
  });

  it.each<[string, unknown[], Record<string, unknown>, RegExp]>([
    ['too many', [1, 2, 3], {}, /takes at most 2 argument\(s\) \(x, y\), got 3/],
    ['too few', [1], {}, /takes at least 2 argument\(s\) \(x, y\), got 1/],
    ['unknown keyword', [1, 2], { z: 3 }, /has no parameter named 'z'/],
    ['positional and keyword', [1, 2], { x: 3 }, /got 'x' both positionally and as a keyword/],
  ])('%s → InvalidArgumentsError naming the task', (_label, args, kwargs, message) => {
    expect(() => add.bind('add', args, kwargs)).toThrow(InvalidArgumentsError);
    expect(() => add.bind('add', args, kwargs)).toThrow(message);
    expect(() => add.bind('add', args, kwargs)).toThrow(/Task 'add'/);
  });

  it('a rest parameter takes any number of extra arguments', () => {
    expect(of((first: number, ...rest: number[]) => [first, rest]).bind('v', [1, 2, 3, 4], {})).toEqual([1, 2, 3, 4]);
  });
});
