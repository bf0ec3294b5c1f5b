/**
 * Set in a pool child (a thread or process running tasks for a worker): how it reaches its parent. The
 * default logger writes through it, so a task's log lines reach the worker's logger; an app's in-process
 * broker and backend forward their calls through it; `Worker.start()` refuses to run inside a child. On
 * `globalThis` (registered symbol) so every copy of `@tq/core` loaded in the child sees it.
 */
export interface PoolChildLink {
  /** Send one pino log line (JSON) to the worker's logger. */
  log(line: string): void;
  /**
   * Call `method` of the worker's own broker or result backend with `args` (they cross by structured
   * clone) and settle with what it returns. For in-process transports (`memory://`), whose state only the
   * worker's copy holds.
   */
  call(target: ForwardTarget, method: string, args: unknown[]): Promise<unknown>;
}

/** Which of the worker's transports a forwarded call goes to. */
export type ForwardTarget = 'broker' | 'backend';

const KEY = Symbol.for('tq.poolChildLink');

/** The link to the parent worker, or undefined outside a pool child. */
export function poolChildLink(): PoolChildLink | undefined {
  return (globalThis as { [KEY]?: PoolChildLink })[KEY];
}

/** Mark this thread or process as a pool child (done once, by the child's entry). */
export function setPoolChildLink(link: PoolChildLink): void {
  (globalThis as { [KEY]?: PoolChildLink })[KEY] = link;
}
