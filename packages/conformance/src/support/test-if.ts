import { it, type TestFunction } from 'vitest';

/**
 * `it` when the transport declares `capability`, else `it.skip` with the reason in its name:
 * a missing capability shows up as skipped, never silently omitted.
 */
export function testIf(declared: boolean, capability: string) {
  return (name: string, fn: TestFunction, timeoutMs?: number): void => {
    if (declared) it(name, fn, timeoutMs);
    else it.skip(`${name} [skipped: ${capability} not declared]`, fn, timeoutMs);
  };
}
