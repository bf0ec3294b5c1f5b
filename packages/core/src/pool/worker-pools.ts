import type { ResourceLimits } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ForwardTarget } from '../runtime/pool-child-link.js';
import type { PoolKind } from '../task/pool-kind.js';
import type { Task } from '../task/task.js';
import { TaskPool } from './task-pool.js';

/** How a worker's pools are made (from `WorkerOptions`). */
export interface WorkerPoolsConfig {
  /** Children per pool kind. */
  size: number;
  maxTasksPerChild: number;
  maxMemoryPerChildMb: number;
  resourceLimits: ResourceLimits | undefined;
  execArgv: readonly string[];
  logger: Logger;
  /** Runs children's calls of the worker's in-process broker or backend. */
  forward(target: ForwardTarget, method: string, args: unknown[]): Promise<unknown>;
}

/**
 * A worker's thread pool and process pool. `prestart` starts those its tasks run in with the worker; a pool
 * is otherwise made when a task first needs it (a worker whose tasks all run inline starts no child).
 * `pool_grow`/`pool_shrink` resize both.
 */
export class WorkerPools {
  private readonly pools = new Map<'threads' | 'processes', TaskPool>();
  private size: number;

  constructor(private readonly config: WorkerPoolsConfig) {
    this.size = config.size;
  }

  /** Children per pool kind now. */
  get poolSize(): number {
    return this.size;
  }

  /** The pool of `kind`, made on first use. */
  get(kind: Exclude<PoolKind, 'inline'>): TaskPool {
    let pool = this.pools.get(kind);
    if (!pool) {
      const { logger, ...rest } = this.config;
      pool = new TaskPool({ ...rest, kind, size: this.size, logger, logLevel: logger.level });
      this.pools.set(kind, pool);
    }
    return pool;
  }

  /**
   * Start the pool of every kind `tasks` run in (a task's own `pool`, else `defaultKind`), each child
   * importing the modules of that pool's tasks; settles once they are ready (see `TaskPool.prestart`).
   */
  // biome-ignore lint/suspicious/noExplicitAny: tasks of every signature
  async prestart(tasks: readonly Task<any, any>[], defaultKind: PoolKind): Promise<void> {
    const modules = new Map<Exclude<PoolKind, 'inline'>, Set<string>>();
    if (defaultKind !== 'inline') modules.set(defaultKind, new Set());
    for (const task of tasks) {
      const kind = task.options.pool ?? defaultKind;
      if (kind === 'inline') continue;
      const ofKind = modules.get(kind) ?? new Set();
      modules.set(kind, ofKind);
      if (task.options.module !== undefined) ofKind.add(String(task.options.module));
    }
    await Promise.all([...modules].map(([kind, ofKind]) => this.get(kind).prestart([...ofKind])));
  }

  /** Children (starting, idle or busy) per pool made so far. */
  children(): Record<string, number> {
    return Object.fromEntries([...this.pools].map(([kind, pool]) => [kind, pool.children]));
  }

  /** Change the children per pool kind by `delta` (never below 1). */
  resize(delta: number): number {
    this.size = Math.max(1, this.size + delta);
    for (const pool of this.pools.values()) pool.resize(this.size);
    return this.size;
  }

  /** Kill every child (after the worker's tasks ended or were given back). */
  close(): void {
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }
}
