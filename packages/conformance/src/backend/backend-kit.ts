import { defaultLogger, type ResultBackend, type ResultMeta, RuntimeBackend, RuntimeHooks } from '@tq/core';
import type { TestContext } from 'vitest';
import { uniqueName } from '../support/unique-name.js';
import type { BackendConformanceConfig } from './backend-conformance-config.js';

/** One test's backends and ids, released when the test finishes. */
export class BackendKit {
  private readonly backends: RuntimeBackend[] = [];
  private readonly ids: string[] = [];

  private constructor(readonly config: BackendConformanceConfig) {}

  /** A kit whose resources are released when the test of `context` finishes. */
  static forTest(config: BackendConformanceConfig, context: TestContext): BackendKit {
    const kit = new BackendKit(config);
    context.onTestFinished(() => kit.release());
    return kit;
  }

  /** An id unique to this test. */
  id(label = 'task'): string {
    const id = uniqueName(`${this.config.name}-${label}`);
    this.ids.push(id);
    return id;
  }

  /**
   * A connected backend from the transport's factory, wrapped in core's runtime as an app wraps
   * it: the suite checks what users get.
   */
  async backend(): Promise<RuntimeBackend> {
    const backend = this.unconnected(this.config.createBackend());
    await backend.connect();
    return backend;
  }

  /** The transport's backend in core's runtime, not connected yet (closed when the test ends). */
  unconnected(transport: ResultBackend): RuntimeBackend {
    const backend = new RuntimeBackend(transport, { logger: defaultLogger(), hooks: new RuntimeHooks() });
    this.backends.push(backend);
    return backend;
  }

  private async release(): Promise<void> {
    await Promise.all(this.backends.map((b) => b.close()));
    await this.config.cleanup?.(this.ids);
  }
}

/** A claim's PENDING record as core writes it (`applyAsync` with `deduplicate`). */
export function pendingMeta(taskId: string): ResultMeta {
  return { status: 'PENDING', result: null, traceback: null, children: [], date_done: null, name: 'tq.conformance.echo', task_id: taskId };
}

/** A SUCCESS record as core writes it. */
export function successMeta(taskId: string, result: unknown): ResultMeta {
  return {
    status: 'SUCCESS',
    result,
    traceback: null,
    children: [],
    date_done: new Date().toISOString(),
    task_id: taskId,
    name: 'tq.conformance.echo',
    args: [1, 2],
    kwargs: { k: 'v' },
    worker: 'conformance@localhost',
    retries: 0,
    queue: 'celery',
  };
}
