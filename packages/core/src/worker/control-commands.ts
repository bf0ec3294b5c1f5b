import type { ControlCommand } from '../control/node-mailbox.js';
import { BUILTIN_TASKS } from './builtin-tasks.js';
import type { ControlledWorker } from './controlled-worker.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * The commands that change a worker (`celery control ...`, spec §9.4), with Celery's names,
 * arguments and replies. Settings changed here last as long as this worker.
 */
export function controlCommands(worker: ControlledWorker): Record<string, ControlCommand> {
  const { rt } = worker;
  const known = (name: unknown): name is string =>
    typeof name === 'string' && (rt.host.getTask(name) !== undefined || Object.hasOwn(BUILTIN_TASKS, name));
  const revoke: ControlCommand = ({ task_id, terminate }) => {
    const ids = [...new Set(([] as unknown[]).concat(task_id ?? []).map(String))];
    for (const id of ids) rt.revoked.add(id);
    if (!terminate) {
      rt.logger.info({ taskIds: ids }, 'tasks flagged as revoked');
      return { ok: `tasks ${pythonSet(ids)} flagged as revoked` };
    }
    // JavaScript cannot kill a running function: terminate ends the attempt and aborts its signal, whatever `signal` names.
    const terminated = ids.filter((id) => rt.running.has(id));
    for (const id of terminated) rt.running.get(id)?.terminate();
    rt.logger.info({ taskIds: ids, terminated }, 'tasks revoked and terminated');
    return { ok: terminated.length ? `terminate: ${terminated.join(', ')}` : 'terminate: tasks unknown' };
  };
  return {
    revoke,
    terminate: ({ task_id, signal }, call) => revoke({ task_id, terminate: true, signal }, call),
    rate_limit: ({ task_name, rate_limit }) => {
      let rate: string | null;
      try {
        rate = celeryRate(rate_limit);
      } catch (error) {
        return { error: `Invalid rate limit string: ${(error as Error).message}` };
      }
      if (!known(task_name)) return { error: 'unknown task' };
      rt.rateLimiters.set(task_name, rate === null ? null : new RateLimiter(rate));
      rt.logger.info({ task: task_name, rateLimit: rate }, 'rate limit changed by remote control');
      return { ok: rate === null ? 'rate limit disabled successfully' : 'new rate limit set successfully' };
    },
    time_limit: ({ task_name, hard, soft }) => {
      if (!known(task_name)) return { error: 'unknown task' };
      const hardMs = seconds(hard);
      const softMs = seconds(soft);
      if (hardMs === undefined || softMs === undefined) return { error: 'time limits must be positive numbers of seconds or null' };
      rt.timeLimits.set(task_name, { hardMs, softMs });
      rt.logger.info({ task: task_name, hardMs, softMs }, 'time limits changed by remote control');
      return { ok: 'time limits set successfully' };
    },
    shutdown: ({ msg }, call) => {
      rt.logger.warn(typeof msg === 'string' ? msg : 'Got shutdown from remote');
      call.afterReply(() => worker.shutdown());
      return { ok: 'shutting down' };
    },
    add_consumer: async ({ queue }) => {
      if (typeof queue !== 'string' || queue === '') return { error: 'add_consumer needs a queue name' };
      return (await worker.addQueue(queue)) ? { ok: `add consumer ${queue}` } : { ok: `already consuming from ${queue}` };
    },
    cancel_consumer: async ({ queue }) => {
      if (typeof queue !== 'string' || queue === '') return { error: 'cancel_consumer needs a queue name' };
      await worker.cancelQueue(queue);
      return { ok: `no longer consuming from ${queue}` };
    },
    enable_events: () => {
      const before = worker.setTaskEvents(true);
      if (before === undefined) return { error: 'event dispatcher unavailable' };
      return { ok: before ? 'task events already enabled' : 'task events enabled' };
    },
    disable_events: () => {
      const before = worker.setTaskEvents(false);
      if (before === undefined) return { error: 'event dispatcher unavailable' };
      return { ok: before ? 'task events disabled' : 'task events already disabled' };
    },
    heartbeat: () => {
      worker.heartbeat();
      return undefined;
    },
    pool_grow: ({ n }) => resizePool(worker, n, +1),
    pool_shrink: ({ n }) => resizePool(worker, n, -1),
  };
}

/**
 * Celery's rate strings (`celery.utils.time.rate`): `'10/m'`, a number or digits meaning per
 * second, and 0, `''` or null for no limit. Throws for anything else.
 */
function celeryRate(value: unknown): string | null {
  if (value === null || value === undefined || value === '' || value === 0 || value === '0') return null;
  const rate = typeof value === 'number' || /^\s*\d+(\.\d+)?\s*$/.test(String(value)) ? `${Number(value)}/s` : String(value);
  if (Number.parseFloat(rate) === 0) return null;
  // Parsed here so a bad string is answered with an error instead of failing later.
  return new RateLimiter(rate).rate;
}

/** Seconds (or null for none) as ms; undefined when not a positive number. */
function seconds(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  const number = Number(value);
  return typeof value !== 'boolean' && Number.isFinite(number) && number > 0 ? number * 1000 : undefined;
}

/** Python's repr of a set of strings: `{'a', 'b'}`, or `set()`. */
function pythonSet(ids: readonly string[]): string {
  return ids.length ? `{${ids.map((id) => `'${id}'`).join(', ')}}` : 'set()';
}

/** `pool_grow`/`pool_shrink`: `n` children more or fewer (default 1, as Celery), Celery's replies. */
function resizePool(worker: ControlledWorker, n: unknown, sign: 1 | -1): { ok: string } | { error: string } {
  const count = n === undefined || n === null ? 1 : Number(n);
  if (!Number.isInteger(count) || count < 1) return { error: 'n must be a positive integer' };
  const size = worker.resizePool(sign * count);
  worker.rt.logger.info({ poolSize: size }, `pool ${sign > 0 ? 'grown' : 'shrunk'} by remote control`);
  return { ok: `pool will ${sign > 0 ? 'grow' : 'shrink'}` };
}
