import { UnknownTaskError } from '../errors/unknown-task-error.js';
import type { SignatureJson } from '../spec/task-message.js';
import type { TaskRegistry } from '../task/task-registry.js';

/** Celery's built-in tasks a tq worker runs: `celery.map` and `celery.starmap` (spec §1.4). */
export const BUILTIN_TASKS: Readonly<Record<string, (tasks: TaskRegistry, kwargs: Record<string, unknown>) => Promise<unknown[]>>> = {
  'celery.map': (tasks, kwargs) => mapOver(tasks, kwargs, (item) => [item]),
  'celery.starmap': (tasks, kwargs) => mapOver(tasks, kwargs, (item) => item as unknown[]),
};

/** Call the named task's function in-process for each item, in order (as Celery's `xmap` does). */
async function mapOver(tasks: TaskRegistry, kwargs: Record<string, unknown>, toArgs: (item: unknown) => unknown[]): Promise<unknown[]> {
  const name = (kwargs.task as SignatureJson).task;
  const task = tasks.getTask(name);
  if (!task) throw new UnknownTaskError(name);
  const results: unknown[] = [];
  for (const item of kwargs.it as unknown[]) results.push(await task.fn(...task.parameters.bind(name, toArgs(item), {})));
  return results;
}
