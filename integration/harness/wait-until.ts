import { setTimeout as sleep } from 'node:timers/promises';

/** Options for {@link waitUntil}. */
export interface WaitUntilOptions {
  /** What is awaited, for the timeout message. */
  what: string;
  /** Give up after this long. Default 60 s. */
  timeoutMs?: number;
  /** Pause between attempts. Default 250 ms. */
  intervalMs?: number;
  /** Throws to abort early, e.g. when the process being waited for has exited. */
  abortIf?: () => void;
}

/** Retries `attempt` until it resolves; the last error is the timeout error's cause. */
export async function waitUntil<T>(attempt: () => Promise<T>, options: WaitUntilOptions): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    options.abortIf?.();
    try {
      return await attempt();
    } catch (error) {
      lastError = error;
    }
    await sleep(options.intervalMs ?? 250);
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out waiting for ${options.what}${reason}`, { cause: lastError });
}
