/** What crosses as itself: JSON's scalars, plus a Date (kombu's `datetime`) and bytes (`bytes`/`base64`). */
type WireLeaf = string | number | boolean | null | Date | Uint8Array;

/**
 * `T` with every part the wire cannot carry replaced by `never`, for an F-bounded check:
 * `A extends WireSafe<A>` holds exactly when `A` is made of JSON's values, `Date`, `Uint8Array`
 * (Buffer), arrays, tuples (readonly too) and plain-data object types — interfaces and type aliases
 * alike, optional properties included. A `Map`, `Set`, function, `bigint`, `symbol`, `undefined`
 * as an element, or an object type with a method fails it. (An index-signature type such as
 * `Record<string, Json>` would refuse interfaces, which TypeScript never treats as indexable: hence
 * a mapped check.)
 *
 * `unknown` and `any` pass: the author opted out of checking, and the run-time check still refuses
 * what has no wire form. So does a class with only data fields, which TypeScript cannot tell from a
 * plain object type, while the run-time check accepts only plain objects (ADR 23).
 */
export type WireSafe<T> = unknown extends T
  ? T
  : T extends WireLeaf
    ? T
    : T extends ReadonlyMap<unknown, unknown> | ReadonlySet<unknown> | ((...args: never[]) => unknown)
      ? never
      : T extends object
        ? { [K in keyof T]: T extends readonly unknown[] ? WireSafe<T[K]> : WireProperty<T[K]> }
        : never;

/** An object property may also be `undefined`: it is left out, and reads back the same. */
type WireProperty<T> = WireSafe<Exclude<T, undefined>> | Extract<T, undefined>;

/**
 * What a task may return: a {@link WireSafe} value, or nothing (`void`/`undefined`), which is
 * stored as null — Python's None.
 */
export type WireSafeResult<R> = R extends void ? R : WireSafe<R>;

/** The result a caller gets from a task whose function returns `R`: `undefined` (nothing returned) arrives as null. */
export type TaskResult<R> = R extends void ? null : R;

/**
 * `unknown` when a task function with arguments `A` and result `R` fits the wire, else an object
 * type whose one property names what does not (the compiler's error shows it). Intersected with the
 * function's type, it checks without constraining `A` and `R` to themselves (a circular constraint).
 */
export type WireChecked<A, R> = [A] extends [WireSafe<A>]
  ? [R] extends [WireSafeResult<R>]
    ? unknown
    : { 'the result type has a part JSON cannot carry (a Map, Set, function, bigint, ...): return plain data': WireSafeResult<R> }
  : {
      'an argument type has a part JSON cannot carry (a Map, Set, function, bigint, undefined in a list, ...): take plain data': WireSafe<A>;
    };
