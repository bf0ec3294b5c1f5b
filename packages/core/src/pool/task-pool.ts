import type { Logger } from 'pino';
import { ConfigurationError } from '../errors/configuration-error.js';
import { WorkerLostError } from '../errors/worker-lost-error.js';
import type { ForwardTarget } from '../runtime/pool-child-link.js';
import { toChildError } from './child-error.js';
import type { ChildMessage, ChildOutcome, ParentMessage, RunRequest } from './child-messages.js';
import { PoolChild, type PoolChildConfig } from './pool-child.js';

/** How a pool of one kind behaves. */
export interface TaskPoolConfig extends PoolChildConfig {
  /** Children at most (running or idle); changed at run time by `resize`. */
  size: number;
  /** Tasks a child runs before it is replaced (`Infinity`: never). */
  maxTasksPerChild: number;
  /** Memory (MiB) past which a child is replaced after its task (`Infinity`: never). */
  maxMemoryPerChildMb: number;
  /** The worker's logger: children's log lines and the pool's own notes go there. */
  logger: Logger;
  /** Run a child's call of the worker's in-process broker or backend (`PoolChildLink.call`). */
  forward(target: ForwardTarget, method: string, args: unknown[]): Promise<unknown>;
}

/** One task handed to a child. */
export interface PoolJob {
  /** Settles with the child's outcome; rejects with `WorkerLostError` when the child dies first. */
  readonly result: Promise<ChildOutcome>;
  /** The attempt ended without the child (hard limit, terminate, shutdown): kill the child if it still runs. */
  stop(): void;
}

interface RunningJob {
  resolve(outcome: ChildOutcome): void;
  reject(error: Error): void;
  progress(meta: unknown, state: string): Promise<void>;
}

interface Waiter {
  resolve(child: PoolChild): void;
  reject(error: Error): void;
}

/**
 * Threads or processes that run tasks, one task per child at a time. A prestarted pool (`prestart`, when
 * its worker starts) keeps `size` children, each having imported the task modules: one that died, ran
 * `maxTasksPerChild` tasks, grew past `maxMemoryPerChildMb` or was killed at a hard limit is replaced at
 * once. Otherwise children start when a task needs one (up to `size`) and are kept for the next.
 */
export class TaskPool {
  private size: number;
  private readonly idle: PoolChild[] = [];
  /** Started, not yet `ready`. */
  private readonly starting = new Set<PoolChild>();
  private readonly busy = new Map<PoolChild, RunningJob>();
  /** Acquired for a task that has not reached it yet (a task taken ahead waits for the attempt to start). */
  private readonly held = new Set<PoolChild>();
  private readonly waiters: Waiter[] = [];
  /** Task modules each new child imports before it is ready. */
  private modules: readonly string[] = [];
  /** Keep `size` children whether or not tasks wait (set by `prestart`). */
  private keepFull = false;
  private closed = false;

  constructor(private readonly config: TaskPoolConfig) {
    this.size = config.size;
  }

  /** Children now: starting, idle, held for a task or running one. */
  get children(): number {
    return this.starting.size + this.idle.length + this.held.size + this.busy.size;
  }

  /** Children at most. */
  get maxChildren(): number {
    return this.size;
  }

  /** A child ready for one task: an idle one, a new one while under `size`, or the next one freed. */
  acquire(): Promise<PoolChild> {
    if (this.closed) return Promise.reject(new ConfigurationError('This pool is closed (its worker is shutting down).'));
    const child = this.idle.pop();
    if (child) {
      this.held.add(child);
      return Promise.resolve(child);
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({
        resolve: (freed) => {
          this.held.add(freed);
          resolve(freed);
        },
        reject,
      });
      this.fill();
    });
  }

  /**
   * Start `size` children, each importing `modules` (the task modules it will run), and settle once all
   * are ready, as Celery's prefork starts its pool with the worker: no task waits for a child to boot,
   * and none's runtime or time limit includes it. From then on the pool stays full. Rejects with why when
   * a child cannot start (a bad `execArgv`, no TypeScript loader); the pool then starts children on demand.
   */
  async prestart(modules: readonly string[]): Promise<void> {
    this.modules = modules;
    const started = await Promise.allSettled(Array.from({ length: this.size }, () => this.acquire()));
    for (const result of started) if (result.status === 'fulfilled') this.release(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    this.keepFull = !this.closed;
  }

  /** Give back a child that was acquired but not used (the worker began closing meanwhile). */
  release(child: PoolChild): void {
    if (this.held.delete(child)) this.free(child);
  }

  /** Run `request` on `child` (acquired); `progress` stores what the task reports. */
  run(child: PoolChild, request: RunRequest, progress: (meta: unknown, state: string) => Promise<void>): PoolJob {
    // It died while held (its exit took it out): the task never reached it.
    if (!this.held.delete(child))
      return { result: Promise.reject(new WorkerLostError('the pool child exited before the task reached it')), stop: () => {} };
    let settled = false;
    const result = new Promise<ChildOutcome>((resolve, reject) => {
      this.busy.set(child, {
        resolve: (outcome) => {
          settled = true;
          resolve(outcome);
        },
        reject: (error) => {
          settled = true;
          reject(error);
        },
        progress,
      });
    });
    // Nobody may wait on it (the attempt ended first): a late loss must not be an unhandled rejection.
    result.catch(() => {});
    try {
      child.send(request);
    } catch (error) {
      this.busy.get(child)?.reject(error as Error);
      this.busy.delete(child);
      this.free(child);
    }
    return {
      result,
      stop: () => {
        if (settled || !this.busy.has(child)) return;
        this.busy.delete(child);
        child.kill();
        this.fill();
      },
    };
  }

  /** Change the number of children (`pool_grow`/`pool_shrink`); surplus children go once idle. */
  resize(size: number): void {
    this.size = size;
    while (this.children > this.size && this.idle.length > 0) this.idle.pop()?.kill();
    this.fill();
  }

  /** Kill every child; tasks still waiting for one are refused. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0))
      waiter.reject(new ConfigurationError('This pool is closed (its worker is shutting down).'));
    for (const child of [...this.starting, ...this.idle, ...this.held, ...this.busy.keys()]) child.kill();
    this.starting.clear();
    this.held.clear();
    this.idle.length = 0;
    for (const job of this.busy.values()) job.reject(new WorkerLostError('the pool was closed'));
    this.busy.clear();
  }

  /** Start children for waiting tasks (all missing ones when kept full), up to `size`. */
  private fill(): void {
    while (!this.closed && (this.keepFull || this.waiters.length > this.starting.size) && this.children < this.size) {
      const measureMemory = this.config.maxMemoryPerChildMb !== Number.POSITIVE_INFINITY;
      const child = PoolChild.spawn(this.config, this.modules, measureMemory, {
        message: (c, m) => this.onMessage(c, m),
        exit: (c, why) => this.onExit(c, why),
      });
      this.starting.add(child);
    }
  }

  private onMessage(child: PoolChild, message: ChildMessage): void {
    switch (message.type) {
      case 'ready':
        if (this.starting.delete(child)) this.free(child);
        return;
      case 'log':
        this.log(child, message.line);
        return;
      case 'progress': {
        const job = this.busy.get(child);
        if (!job) return;
        job.progress(message.meta, message.state).then(
          () => child.send({ type: 'progress-stored', seq: message.seq }),
          (error: unknown) => child.send({ type: 'progress-stored', seq: message.seq, error: toChildError(error) }),
        );
        return;
      }
      case 'call':
        // Answered even when no task runs: a module's top level may send too.
        this.config.forward(message.target, message.method, message.args).then(
          (value) => this.answer(child, { type: 'called', seq: message.seq, value }),
          (error: unknown) => this.answer(child, { type: 'called', seq: message.seq, error: toChildError(error) }),
        );
        return;
      case 'done': {
        const job = this.busy.get(child);
        if (!job) return;
        this.busy.delete(child);
        child.tasksRun++;
        job.resolve(message.outcome);
        const memoryBytes = message.memoryBytes ?? 0;
        const overMemory = memoryBytes > this.config.maxMemoryPerChildMb * 1024 * 1024;
        if (child.tasksRun >= this.config.maxTasksPerChild || overMemory) {
          this.config.logger.info(
            { child: child.id, tasksRun: child.tasksRun, memoryMb: Math.round(memoryBytes / 1048576) },
            overMemory ? 'pool child over maxMemoryPerChildMb; replacing it' : 'pool child ran maxTasksPerChild tasks; replacing it',
          );
          child.kill();
          this.fill();
        } else this.free(child);
      }
    }
  }

  private onExit(child: PoolChild, why: string): void {
    const job = this.busy.get(child);
    this.busy.delete(child);
    this.held.delete(child);
    const index = this.idle.indexOf(child);
    if (index >= 0) this.idle.splice(index, 1);
    if (this.starting.delete(child)) {
      // It could not even start (a bad execArgv, no loader): back to starting children on demand (no
      // endless restarts), and tell the task waiting longest.
      this.keepFull = false;
      this.waiters
        .shift()
        ?.reject(
          new ConfigurationError(
            `A ${this.config.kind} pool child could not start (${why}). TypeScript tasks need the worker run with a loader (node --import tsx), which children inherit through execArgv.`,
          ),
        );
    }
    if (job) {
      this.config.logger.error({ child: child.id }, `pool child lost while running a task: ${why}`);
      job.reject(new WorkerLostError(why));
    }
    this.fill();
  }

  /** Send a forwarded call's answer; one that cannot be cloned is answered with why. */
  private answer(child: PoolChild, message: Extract<ParentMessage, { type: 'called' }>): void {
    try {
      child.send(message);
    } catch (error) {
      child.send({ type: 'called', seq: message.seq, error: toChildError(error) });
    }
  }

  /** A child free again: to the task waiting longest, else idle (or gone, when the pool shrank). */
  private free(child: PoolChild): void {
    if (this.closed || this.children >= this.size) {
      child.kill();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(child);
    else this.idle.push(child);
  }

  /** A child's pino line, logged again by the worker's logger at its level. */
  private log(child: PoolChild, line: string): void {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      this.config.logger.info({ child: child.id }, line.trim());
      return;
    }
    const { level, msg, time: _time, pid: _pid, hostname: _hostname, name: _name, ...fields } = record;
    const label = typeof level === 'number' ? this.config.logger.levels.labels[level] : undefined;
    const log = (label && (this.config.logger as unknown as Record<string, unknown>)[label]) as
      | ((obj: object, msg?: string) => void)
      | undefined;
    (log ?? this.config.logger.info).call(this.config.logger, { ...fields, child: child.id }, typeof msg === 'string' ? msg : undefined);
  }
}
