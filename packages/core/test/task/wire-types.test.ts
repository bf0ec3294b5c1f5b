import { describe, expect, expectTypeOf, it } from 'vitest';
import { type AsyncResult, createApp, type WireSafe } from '../../src/index.js';

const app = createApp({ broker: 'memory://' });

interface Address {
  street: string;
  zip?: string;
  country: string | undefined;
}
interface Customer {
  id: number;
  name: string;
  since: Date;
  avatar?: Uint8Array;
  addresses: readonly Address[];
  referredBy?: Customer;
}
type Point = { x: number; y: number };
enum Plan {
  Free = 'free',
  Pro = 'pro',
}
interface WithMethod {
  id: number;
  describe(): string;
}

/** True when `T` passes the check `app.task` applies. */
type Fits<T> = [T] extends [WireSafe<T>] ? true : false;

// These only have to compile (or not): tsc checks this file (`tsc -p packages/core`); nothing is sent.
describe('task argument and result types are what the wire carries', () => {
  it('accepts interfaces and aliases of plain data, optional properties, readonly arrays, tuples, Date and Uint8Array', () => {
    const save = app.task('types.save', async (customer: Customer, points: readonly Point[], pair: [Plan, 1 | 2], raw: Buffer) => ({
      savedAt: new Date(),
      size: raw.byteLength,
      first: points[0],
      plan: pair[0],
      customer,
    }));
    expectTypeOf(save.delay).parameters.toEqualTypeOf<[customer: Customer, points: readonly Point[], pair: [Plan, 1 | 2], raw: Buffer]>();
    expectTypeOf(save.delay).returns.toEqualTypeOf<
      Promise<AsyncResult<{ savedAt: Date; size: number; first: Point | undefined; plan: Plan; customer: Customer }>>
    >();
    const optional = app.task('types.optional', (a: string, b?: number, ...rest: boolean[]) => [a, b ?? 0, rest.length]);
    expectTypeOf(optional.delay).parameters.toEqualTypeOf<[a: string, b?: number, ...rest: boolean[]]>();
    // An author who opts out of types is not stopped here; the run-time check still refuses what has no wire form.
    const untyped = app.task('types.untyped', (payload: unknown) => [payload]);
    expectTypeOf(untyped.delay).parameters.toEqualTypeOf<[payload: unknown]>();
    expectTypeOf<Fits<Record<string, Date | null>>>().toEqualTypeOf<true>();
    expect(save.name).toBe('types.save');
  });

  it('gives null for a task that returns nothing (Python None), keeping other results as they are', () => {
    const nothing = app.task('types.nothing', async (_x: number) => {});
    expectTypeOf(nothing.delay).returns.toEqualTypeOf<Promise<AsyncResult<null>>>();
    const maybe = app.task('types.maybe', (x: number) => (x > 0 ? 'yes' : undefined));
    expectTypeOf(maybe.delay).returns.toEqualTypeOf<Promise<AsyncResult<'yes' | null>>>();
  });

  it('refuses a task taking or returning what JSON cannot carry', () => {
    // @ts-expect-error a Map argument
    app.task('types.map', (m: Map<string, number>) => m.size);
    // @ts-expect-error a Set nested in an argument
    app.task('types.set', (o: { tags: Set<string> }) => o.tags.size);
    // @ts-expect-error a function argument
    app.task('types.fn', (callback: () => void) => callback());
    // @ts-expect-error a bigint argument
    app.task('types.bigint', (n: bigint) => Number(n));
    // @ts-expect-error undefined inside a list
    app.task('types.holes', (xs: (number | undefined)[]) => xs.length);
    // @ts-expect-error an object type with a method
    app.task('types.method', (w: WithMethod) => w.id);
    // @ts-expect-error a Map result
    app.task('types.returnsMap', async () => new Map<string, number>());
    // @ts-expect-error a symbol inside a result
    app.task('types.returnsSymbol', () => ({ id: Symbol('x') }));
    // @ts-expect-error with options too
    app.task('types.withOptions', { queue: 'q' }, (s: Set<number>) => s.size);
    expectTypeOf<Fits<[WithMethod]>>().toEqualTypeOf<false>();
  });

  it('refuses calls with such values, since a task takes only wire types', () => {
    const take = app.task('types.take', (_points: Point[], _when: Date) => 1);
    // @ts-expect-error a Map where an array of points is declared
    void (() => take.delay(new Map(), new Date()));
    // @ts-expect-error a string where a Date is declared (it would not become one)
    void (() => take.delay([], '2026-01-01'));
    // @ts-expect-error a Set bound in a signature
    void (() => take.s(new Set(), new Date()));
    expect(take.name).toBe('types.take');
  });
});
