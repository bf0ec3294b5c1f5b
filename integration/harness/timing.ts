import type { TestContext } from 'vitest';

/**
 * What a wall-clock bound allows on top of the broker's own figure for a loaded machine: on 2
 * cores shared with every broker and other test files, timers and I/O stall by tens of ms, now and
 * then by a few hundred. Only bounds where time is the property use it; anything else waits.
 * (The conformance suites have the same constant.)
 */
export const LOADED_MACHINE_SLACK_MS = 250;

/** Attach measured durations to the test's report, apart from the bound they are checked against. */
export async function reportMs(context: TestContext, what: string, ms: number | readonly number[]): Promise<void> {
  const figures = (typeof ms === 'number' ? [ms] : ms).map((m) => m.toFixed(1)).join(', ');
  await context.annotate(`${what}: ${figures} ms`);
}
