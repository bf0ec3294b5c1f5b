import type { ForwardTarget } from '../runtime/pool-child-link.js';
import type { TaskHeaders } from '../spec/task-message.js';

/** An error as it crosses from a child: enough to rebuild it (class by name) and to report it. */
export interface ChildError {
  name: string;
  message: string;
  stack?: string;
  /** A `TqError`'s code. */
  code?: string;
}

/** How a task ended in a child. */
export type ChildOutcome =
  | { kind: 'success'; value: unknown }
  | { kind: 'failure'; error: ChildError }
  | { kind: 'retry'; countdownMs?: number; error?: ChildError; max?: number };

/** Run one task: the child imports `module` (once) and calls the task named `task` with `args`. */
export interface RunRequest {
  type: 'run';
  module: string;
  task: string;
  /** Positional arguments, already bound to the task's parameters by the worker. */
  args: unknown[];
  id: string;
  retries: number;
  rootId: string;
  parentId: string | null;
  groupId: string | null;
  queue: string;
  headers: TaskHeaders;
  /** The soft time limit, timed in the child (its signal aborts there). */
  softMs: number | null;
}

/** From the worker to a child. */
export type ParentMessage =
  /**
   * The child's first message: import these task modules, then say `ready` (an import that fails fails its
   * tasks). `measureMemory`: report its memory after each task (only `maxMemoryPerChildMb` needs it).
   */
  | { type: 'load'; modules: readonly string[]; measureMemory: boolean }
  | RunRequest
  | { type: 'progress-stored'; seq: number; error?: ChildError }
  /** What a forwarded transport call returned, or why it failed. */
  | { type: 'called'; seq: number; value?: unknown; error?: ChildError };

/** From a child to the worker. */
export type ChildMessage =
  /** Answers `load`: the modules are imported and the child can take a task. */
  | { type: 'ready' }
  | { type: 'log'; line: string }
  | { type: 'progress'; seq: number; meta: unknown; state: string }
  /** A call of the worker's in-process broker or backend (see `PoolChildLink.call`). */
  | { type: 'call'; seq: number; target: ForwardTarget; method: string; args: unknown[] }
  /** `memoryBytes`: its memory after the task (rss of a process, heap of a thread), when `load` asked for it. */
  | { type: 'done'; outcome: ChildOutcome; memoryBytes?: number };
