/**
 * Run `init` at most once at a time and keep its result; after a failure the next call tries
 * again (a broker that was down at start-up must not poison the app forever).
 */
export function once<T>(init: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= init().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
