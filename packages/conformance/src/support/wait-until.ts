import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `condition` every few ms until it holds. Tests observe the transport this way; the
 * transport itself must never poll.
 */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
