/** An error class, for `RetryPolicy.on`. */
// biome-ignore lint/suspicious/noExplicitAny: any constructor signature is fine here
export type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * Automatic retries of a failing task. Default: none (a failure is final), because retrying
 * a non-idempotent task must be the author's decision.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (so `max: 3` means up to 4 attempts). */
  max: number;
  /** `exponential` (default): baseMs·2^n; `fixed`: baseMs every time. */
  backoff?: 'exponential' | 'fixed';
  /** First delay. Default 1000 ms. */
  baseMs?: number;
  /** Cap on any one delay. Default 10 min (Celery's retry_backoff_max). */
  maxMs?: number;
  /** Randomize each delay in [0, delay] ("full jitter") so retries do not stampede. Default true. */
  jitter?: boolean;
  /** Retry only errors of these classes. Default: every error. */
  on?: readonly ErrorClass[];
}

/** Whether `error` should be retried after `retries` earlier retries. */
export function shouldRetry(policy: RetryPolicy | undefined, error: unknown, retries: number): boolean {
  if (!policy || retries >= policy.max) return false;
  return !policy.on || policy.on.some((cls) => error instanceof cls);
}

/** The delay before retry number `retries + 1`. */
export function retryDelayMs(policy: RetryPolicy, retries: number, random: () => number = Math.random): number {
  const base = policy.baseMs ?? 1000;
  const cap = policy.maxMs ?? 600_000;
  const raw = policy.backoff === 'fixed' ? base : base * 2 ** retries;
  const delay = Math.min(raw, cap);
  return policy.jitter === false ? delay : Math.round(random() * delay);
}
