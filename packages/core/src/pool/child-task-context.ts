import { toPythonJson } from '../protocol/index.js';
import type { TaskHeaders } from '../spec/task-message.js';
import { RetryRequest } from '../task/retry-request.js';
import type { TaskContext } from '../task/task-context.js';
import type { RunRequest } from './child-messages.js';

/**
 * What `currentTask()` returns inside a pool child: the attempt's ids and headers as sent by the worker,
 * a signal the child aborts (soft time limit), and `progress` handed to the worker to store (the broker
 * and result backend are the worker's, not the child's).
 */
export class ChildTaskContext implements TaskContext {
  readonly id: string;
  readonly name: string;
  readonly retries: number;
  readonly rootId: string;
  readonly parentId: string | null;
  readonly groupId: string | null;
  readonly queue: string;
  readonly headers: Readonly<TaskHeaders>;
  private readonly controller = new AbortController();

  constructor(
    request: RunRequest,
    /** Sends `meta` to the worker; resolves once it is stored. */
    private readonly store: (meta: unknown, state: string) => Promise<void>,
  ) {
    this.id = request.id;
    this.name = request.task;
    this.retries = request.retries;
    this.rootId = request.rootId;
    this.parentId = request.parentId;
    this.groupId = request.groupId;
    this.queue = request.queue;
    this.headers = request.headers;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Abort the task's signal (its soft time limit passed). */
  abort(reason: unknown): void {
    this.controller.abort(reason);
  }

  retry(options: { countdownMs?: number; error?: unknown; max?: number } = {}): never {
    throw new RetryRequest(options.countdownMs, options.error, options.max);
  }

  /** A getter handing out a bound function: `const { progress } = currentTask()` must work too. */
  get progress(): (meta: unknown, state?: string) => Promise<void> {
    return (meta, state = 'PROGRESS') => {
      // Checked here, where the error can name the task and the call.
      toPythonJson(meta, 'meta', `task '${this.name}' progress()`);
      return this.store(meta, state);
    };
  }
}
