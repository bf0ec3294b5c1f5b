import { createResultMeta, toPythonJson } from '../protocol/index.js';
import type { TaskHeaders, TaskMessage } from '../spec/task-message.js';
import { RetryRequest } from '../task/retry-request.js';
import type { TaskContext } from '../task/task-context.js';
import type { Attempt } from './attempt.js';
import type { WorkerRuntime } from './worker-runtime.js';

/**
 * What `currentTask()` returns inside an attempt. A class rather than an object literal with
 * closures: one is made per task. The signal is only created when read (see `Attempt`).
 */
export class AttemptContext implements TaskContext {
  readonly id: string;
  readonly name: string;
  readonly retries: number;
  readonly rootId: string;
  readonly parentId: string | null;
  readonly groupId: string | null;
  readonly headers: Readonly<TaskHeaders>;
  private boundProgress: ((meta: unknown, state?: string) => Promise<void>) | undefined;

  constructor(
    private readonly rt: WorkerRuntime,
    private readonly message: TaskMessage,
    private readonly attempt: Attempt,
    readonly queue: string,
  ) {
    const h = message.headers;
    this.id = h.id;
    this.name = h.task;
    this.retries = h.retries;
    this.rootId = h.root_id ?? h.id;
    this.parentId = h.parent_id;
    this.groupId = h.group;
    this.headers = h;
  }

  /** Fail this attempt with an error its code raised but never handled (see `processGuard`). */
  crash(error: unknown): boolean {
    return this.attempt.crash(error);
  }

  get signal(): AbortSignal {
    return this.attempt.signal;
  }

  retry(options: { countdownMs?: number; error?: unknown; max?: number } = {}): never {
    throw new RetryRequest(options.countdownMs, options.error, options.max);
  }

  /** A getter handing out a bound function: `const { progress } = currentTask()` must work too. */
  get progress(): (meta: unknown, state?: string) => Promise<void> {
    this.boundProgress ??= (meta, state) => this.report(meta, state);
    return this.boundProgress;
  }

  private async report(meta: unknown, state = 'PROGRESS'): Promise<void> {
    // Checked here so the error names the task and the call, whatever the backend's encoder says.
    toPythonJson(meta, 'meta', `task '${this.message.headers.task}' progress()`);
    await this.rt.backend?.set(this.id, createResultMeta({ taskId: this.id, status: state, result: meta }), {
      ttlMs: this.rt.host.resultExpiresMs,
      replyTo: this.message.properties.reply_to,
    });
  }
}
