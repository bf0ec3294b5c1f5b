import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Reads `read()` every few ms until `accept` takes its value, and returns that value. Like
 * `expect.poll`, but free of vitest's notion of the current test, so it also works in tests that
 * run concurrently (TQ_STRESS).
 */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (performance.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(10);
  }
}
