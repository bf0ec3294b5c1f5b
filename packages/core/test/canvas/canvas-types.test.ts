import { describe, expectTypeOf, it } from 'vitest';
import { type AsyncResult, chain, chord, createApp, type GroupResult, group } from '../../src/index.js';

const app = createApp({ broker: 'memory://' });
const add = app.task('types.add', async (x: number, y: number) => x + y);
const sum = app.task('types.sum', async (xs: number[]) => xs.reduce((a, b) => a + b, 0));
const shout = app.task('types.shout', (text: string) => text.toUpperCase());
const pair = app.task('types.pair', async (results: [number, string]) => `${results[0]}:${results[1]}`);
const noop = app.task('types.noop', () => undefined);

// These only have to compile (or not); nothing is sent.
describe('canvas typing', () => {
  it('types delay and applyAsync from the task function', () => {
    expectTypeOf(add.delay).parameters.toEqualTypeOf<[x: number, y: number]>();
    expectTypeOf(add.delay).returns.toEqualTypeOf<Promise<AsyncResult<number>>>();
    expectTypeOf(shout.delay).returns.toEqualTypeOf<Promise<AsyncResult<string>>>();
    // @ts-expect-error a string is not a number
    void (() => add.delay('2', 3));
    // @ts-expect-error too few arguments
    void (() => add.delay(2));
    // @ts-expect-error too many arguments
    void (() => add.applyAsync([1, 2, 3]));
  });

  it('binds the last arguments with s() and leaves the first ones missing', () => {
    expectTypeOf(add.s(2, 3).delay).parameters.toEqualTypeOf<[]>();
    expectTypeOf(add.s(2).delay).parameters.toEqualTypeOf<[x: number]>();
    expectTypeOf(add.si(2, 3).immutable).toEqualTypeOf<true>();
    // @ts-expect-error wrong bound argument type
    void (() => add.s('2'));
  });

  it('accepts a chain whose steps take the previous result', () => {
    const c = chain(add.s(2, 3), add.s(4), add.s(5));
    expectTypeOf(c.delay).returns.toEqualTypeOf<Promise<AsyncResult<number>>>();
    expectTypeOf(chain(add.s(1, 2), noop.si()).delay).returns.toEqualTypeOf<Promise<AsyncResult<null>>>();
    expectTypeOf(chain(shout.s('a'), shout.s()).delay).returns.toEqualTypeOf<Promise<AsyncResult<string>>>();
  });

  it('rejects a chain whose step cannot take the previous result', () => {
    // @ts-expect-error shout takes a string, add returns a number
    void (() => chain(add.s(2, 3), shout.s()));
    // @ts-expect-error a fully bound mutable step would get one argument too many
    void (() => chain(add.s(2, 3), add.s(4, 5)));
    // @ts-expect-error a step missing two arguments cannot be filled by one result
    void (() => chain(add.s(2, 3), add.s()));
  });

  it('types groups as the tuple of member results', () => {
    const g = group(add.s(1, 1), shout.s('x'));
    expectTypeOf(g.delay).returns.toEqualTypeOf<Promise<GroupResult<[number, string]>>>();
  });

  it('gives a chord body the tuple of header results', () => {
    const c = chord([add.s(1, 1), add.s(2, 2)], sum.s());
    expectTypeOf(c.delay).returns.toEqualTypeOf<Promise<AsyncResult<number>>>();
    expectTypeOf(chord([add.s(1, 1), shout.s('a')], pair.s()).delay).returns.toEqualTypeOf<Promise<AsyncResult<string>>>();
    // @ts-expect-error the body takes numbers, the header yields a string too
    void (() => chord([add.s(1, 1), shout.s('a')], sum.s()));
    // @ts-expect-error shout cannot take the header's tuple
    void (() => chord([add.s(1, 1)], shout.s()));
  });

  it('nests: chain in group, group in chain, chord in chain', () => {
    const g = group(chain(add.s(1, 1), add.s(1)), add.s(5, 5));
    expectTypeOf(g.delay).returns.toEqualTypeOf<Promise<GroupResult<[number, number]>>>();
    const c = chain(add.s(1, 1), group(add.s(10), add.s(20)), sum.s());
    expectTypeOf(c.delay).returns.toEqualTypeOf<Promise<AsyncResult<number>>>();
    const d = chain(add.s(1, 1), chord([add.s(10), add.s(20)], sum.s()), add.s(3));
    expectTypeOf(d.delay).returns.toEqualTypeOf<Promise<AsyncResult<number>>>();
    // @ts-expect-error a group's tuple cannot go to shout
    void (() => chain(group(add.s(1, 1), add.s(2, 2)), shout.s()));
  });
});
