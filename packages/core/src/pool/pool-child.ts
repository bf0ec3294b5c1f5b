import { type ChildProcess, fork } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { ChildMessage, ParentMessage } from './child-messages.js';
import { threadBootstrap } from './thread-bootstrap.js';

/** The child's entry, next to this file: `.ts` when tq runs from source (tests, tsx), `.js` when built. */
const ENTRY = new URL(`./child-main${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** How children are started. */
export interface PoolChildConfig {
  kind: 'threads' | 'processes';
  /** Node options of the child: the worker's by default, so its loader (tsx) and `--conditions` carry over. */
  execArgv: readonly string[];
  /** V8 heap limits of a thread (ignored for processes). */
  resourceLimits?: ResourceLimits;
  /** The worker's log level: the child's default logger logs at it (`TQ_LOG_LEVEL`). */
  logLevel: string;
}

/** What a child reports: its messages, and its end (with what is known of why). */
export interface PoolChildListener {
  message(child: PoolChild, message: ChildMessage): void;
  exit(child: PoolChild, why: string): void;
}

/** One thread or process of a pool, with one task at a time. */
export class PoolChild {
  /** Tasks it finished (for `maxTasksPerChild`). */
  tasksRun = 0;
  /** Its thread id or process id (`inspect stats`, logs, tests). */
  readonly id: number;
  /** Why it failed, when it said so before exiting (a thread's uncaught error). */
  private failure: Error | undefined;

  private constructor(
    readonly kind: PoolChildConfig['kind'],
    private readonly handle: Worker | ChildProcess,
    listener: PoolChildListener,
  ) {
    this.id = handle instanceof Worker ? handle.threadId : (handle.pid ?? -1);
    handle.on('message', (message: ChildMessage) => listener.message(this, message));
    handle.on('error', (error: Error) => {
      this.failure = error;
    });
    handle.on('exit', (code: number | null, signal?: NodeJS.Signals | null) => listener.exit(this, this.why(code, signal)));
  }

  /**
   * Start a child; it imports `modules` (task modules), then sends `ready`: it can take a task.
   * `measureMemory`: it reports its memory after each task.
   */
  static spawn(config: PoolChildConfig, modules: readonly string[], measureMemory: boolean, listener: PoolChildListener): PoolChild {
    const env = { ...process.env, TQ_LOG_LEVEL: config.logLevel };
    const handle =
      config.kind === 'threads'
        ? new Worker(threadBootstrap(ENTRY, config.execArgv), {
            eval: true,
            execArgv: [...config.execArgv],
            resourceLimits: config.resourceLimits,
            env,
          })
        : // 'advanced' serialization: structured clone, as threads have (Dates and bytes cross as they are).
          fork(fileURLToPath(ENTRY), [], { execArgv: [...config.execArgv], env, serialization: 'advanced' });
    const child = new PoolChild(config.kind, handle, listener);
    // Queued until the child listens (threads and processes alike).
    child.send({ type: 'load', modules, measureMemory });
    return child;
  }

  /** Throws when `message` cannot be cloned (the caller fails the task with it). */
  send(message: ParentMessage): void {
    if (this.handle instanceof Worker) this.handle.postMessage(message);
    // A child that died meanwhile cannot be written to; its exit reports the loss.
    else if (this.handle.connected)
      this.handle.send(message, (error) => {
        if (error) this.failure ??= error;
      });
  }

  /** End it now, whatever it runs (hard time limit, terminate, recycling, shutdown). */
  kill(): void {
    if (this.handle instanceof Worker) void this.handle.terminate();
    else this.handle.kill('SIGKILL');
  }

  private why(code: number | null, signal?: NodeJS.Signals | null): string {
    const what = this.kind === 'threads' ? `thread ${this.id}` : `process ${this.id}`;
    if (this.failure) return `${what} failed: ${this.failure.message}`;
    return signal ? `${what} was killed by ${signal}` : `${what} exited with code ${code}`;
  }
}
