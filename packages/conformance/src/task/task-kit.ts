import type { App, Task, TaskFunction, TaskOptions, TaskResult, WireChecked, Worker, WorkerEvents, WorkerOptions } from '@tq/core';
import { it, type TestContext, type TestFunction } from 'vitest';
import { uniqueName } from '../support/unique-name.js';
import type { TaskConformanceConfig } from './task-conformance-config.js';

/**
 * How long a test waits for any one result or dead letter: far above what a healthy transport needs
 * (milliseconds), because every broker shares two loaded cores in a full run (an SQS FIFO dead
 * letter once took over 5 s there). Waits end as soon as the thing is there.
 */
export const RESULT_TIMEOUT_MS = 15_000;

/** Per-test timeout of the task suites (several round trips, retries with short backoff). */
export const TEST_TIMEOUT_MS = 60_000;

/** One worker event as recorded by {@link TaskKit.record}. */
export interface RecordedEvent {
  type: keyof WorkerEvents;
  id: string | null;
  payload: Record<string, unknown>;
}

const TASK_EVENTS = [
  'task-received',
  'task-started',
  'task-succeeded',
  'task-failed',
  'task-retried',
  'task-revoked',
  'task-rejected',
] as const satisfies readonly (keyof WorkerEvents)[];

/**
 * One test's app, queue and workers, released when the test finishes (pass or fail): workers are
 * closed, then the apps. Every task it defines goes to the test's own queue, so tests stay
 * independent and parallel-safe on a shared broker.
 */
export class TaskKit {
  /** A queue no other test uses; every task of this kit is routed to it. */
  readonly queue: string;
  private readonly workers: Worker[] = [];
  private readonly recorded = new Map<Worker, RecordedEvent[]>();
  private readonly apps: App[] = [];

  private constructor(
    readonly config: TaskConformanceConfig,
    /** The test's main app (producer and, usually, worker). */
    readonly app: App,
  ) {
    this.queue = uniqueName(`${config.name}-task`);
    this.apps.push(app);
  }

  /** A kit whose app and workers are released when the test of `context` finishes. */
  static async forTest(config: TaskConformanceConfig, context: TestContext): Promise<TaskKit> {
    const kit = new TaskKit(config, await config.createApp());
    context.onTestFinished(() => kit.release());
    return kit;
  }

  /** Define a task on the kit's app, routed to the kit's queue. */
  task<A extends unknown[], R>(name: string, fn: TaskFunction<A, R> & WireChecked<A, R>): Task<A, TaskResult<Awaited<R>>>;
  task<A extends unknown[], R>(
    name: string,
    options: TaskOptions,
    fn: TaskFunction<A, R> & WireChecked<A, R>,
  ): Task<A, TaskResult<Awaited<R>>>;
  task<A extends unknown[], R>(name: string, optionsOrFn: TaskOptions | TaskFunction<A, R>, maybeFn?: TaskFunction<A, R>) {
    const [options, fn] = typeof optionsOrFn === 'function' ? [{}, optionsOrFn] : [optionsOrFn, maybeFn];
    return this.app.task(name, { queue: this.queue, ...options }, fn as TaskFunction<A, R> & WireChecked<A, R>);
  }

  /** A started worker of `app` (default: the kit's) on the kit's queue, closed when the test ends. */
  async worker(options: WorkerOptions = {}, app: App = this.app): Promise<Worker> {
    const worker = app.worker({ queues: [this.queue], concurrency: 4, shutdownTimeoutMs: 1000, ...options });
    this.workers.push(worker);
    // Recorded from before start: a task may be received and done before start() resolves.
    this.record(worker);
    await worker.start();
    return worker;
  }

  /** Another app on the same transport (closed when the test ends). */
  async otherApp(): Promise<App> {
    const app = await this.config.createApp();
    this.apps.push(app);
    return app;
  }

  /** Close `app` when the test ends (an app the test built itself). */
  adopt(app: App): void {
    this.apps.push(app);
  }

  /** Every task event `worker` emits, in order (recorded from before start for workers made by `worker()`). */
  record(worker: Worker): RecordedEvent[] {
    const recorded = this.recorded.get(worker);
    if (recorded) return recorded;
    const events: RecordedEvent[] = [];
    this.recorded.set(worker, events);
    for (const type of TASK_EVENTS) {
      worker.events.on(type, (payload: { id: string | null }) => {
        events.push({ type, id: payload.id, payload: payload as unknown as Record<string, unknown> });
      });
    }
    return events;
  }

  private async release(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close({ timeoutMs: 200 })));
    await Promise.all(this.apps.map((a) => a.close()));
    await this.config.cleanup?.([this.queue]);
  }
}

/**
 * `it` when the transport has `capability`, else a skipped test whose name says why: a missing
 * capability shows up as skipped, never silently omitted.
 */
export function itIf(declared: boolean, capability: string) {
  return (name: string, fn: TestFunction): void => {
    it.skipIf(!declared)(declared ? name : `${name} [skipped: transport has no ${capability}]`, fn, TEST_TIMEOUT_MS);
  };
}

/** `it` with the suite's timeout. */
export function test(name: string, fn: TestFunction): void {
  it(name, fn, TEST_TIMEOUT_MS);
}
