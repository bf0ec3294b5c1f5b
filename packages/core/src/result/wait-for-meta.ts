import type { ResultBackend, ResultMeta } from '../spec/result-backend.js';

/** Re-read for backends that cannot push: starts fast, backs off to this. */
const MAX_POLL_MS = 1000;
/**
 * Safety re-read for backends that push: a pushed record can be lost (a dropped pub/sub message, a
 * subscriber disconnected for its output buffer), and `get()` without a timeout must not then wait
 * forever. Slow, because push normally wins.
 */
const SAFETY_READ_MS = 5000;

/**
 * Wait until the task's record satisfies `done`; undefined on timeout. Subscribes first, then
 * reads once (so a write between the two cannot be missed), like Celery's SUBSCRIBE → GET. A
 * record the watch delivers earlier (a backend may push on a channel it had open before) is taken
 * at once, without waiting for that read; unsubscribing happens after the caller has its record.
 * The record is re-read on a timer too: fast-then-slow without push, every few seconds with it.
 */
export async function waitForMeta(
  backend: ResultBackend,
  taskId: string,
  done: (meta: ResultMeta) => boolean,
  options: { timeoutMs?: number; signal?: AbortSignal },
): Promise<ResultMeta | undefined> {
  let settle!: (meta: ResultMeta | undefined) => void;
  let fail!: (error: unknown) => void;
  const result = new Promise<ResultMeta | undefined>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const offer = (meta: ResultMeta | undefined) => {
    if (meta && done(meta)) settle(meta);
  };
  const timeout = options.timeoutMs === undefined ? undefined : setTimeout(() => settle(undefined), options.timeoutMs);
  let reread: NodeJS.Timeout | undefined;
  const onAbort = () => settle(undefined);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let stopped = false;
  const poll = async (delay: number) => {
    if (stopped) return;
    offer(await backend.get(taskId).catch(() => undefined));
    if (stopped) return;
    const next = backend.watch ? SAFETY_READ_MS : Math.min(delay * 2, MAX_POLL_MS);
    reread = setTimeout(() => poll(next), backend.watch ? SAFETY_READ_MS : delay);
  };
  const watching = backend.watch?.(taskId, offer);
  (watching ? watching.then(() => poll(25)) : poll(25)).catch(fail);
  try {
    return await result;
  } finally {
    stopped = true;
    clearTimeout(timeout);
    clearTimeout(reread);
    options.signal?.removeEventListener('abort', onAbort);
    if (watching) setImmediate(() => watching.then((unwatch) => unwatch()).catch(() => {}));
  }
}
