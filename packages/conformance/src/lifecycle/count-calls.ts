/** How often a counted method was called, and how many of those calls resolved. */
export interface CallCount {
  calls: number;
  resolved: number;
}

/**
 * Counts the calls of an async method of `target` (replaced on the instance; the original runs
 * as before, with `this` bound to `target`).
 */
export function countCalls<T extends object>(target: T, method: keyof T & string): CallCount {
  const original = target[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  if (typeof original !== 'function') throw new TypeError(`${target.constructor.name}.${method} is not a method`);
  const count: CallCount = { calls: 0, resolved: 0 };
  const counted = (...args: unknown[]) => {
    count.calls++;
    return original.apply(target, args).then((value) => {
      count.resolved++;
      return value;
    });
  };
  Object.defineProperty(target, method, { value: counted, configurable: true, writable: true });
  return count;
}
