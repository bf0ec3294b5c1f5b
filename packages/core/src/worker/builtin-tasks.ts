import type { App } from '../client/app.js';
import { UnknownTaskError } from '../errors/unknown-task-error.js';
import type { SignatureJson } from '../spec/task-message.js';

/** Celery's built-in tasks a tq worker runs: `celery.map` and `celery.starmap` (spec §1.4). */
export const BUILTIN_TASKS: Readonly<Record<string, (app: App, kwargs: Record<string, unknown>) => Promise<unknown[]>>> = {
  'celery.map': (app, kwargs) => mapOver(app, kwargs, (item) => [item]),
  'celery.starmap': (app, kwargs) => mapOver(app, kwargs, (item) => item as unknown[]),
};

/** Call the named task's function in-process for each item, in order (as Celery's `xmap` does). */
async function mapOver(app: App, kwargs: Record<string, unknown>, toArgs: (item: unknown) => unknown[]): Promise<unknown[]> {
  const name = (kwargs.task as SignatureJson).task;
  const task = app.getTask(name);
  if (!task) throw new UnknownTaskError(name);
  const results: unknown[] = [];
  for (const item of kwargs.it as unknown[]) results.push(await task.fn(...task.parameters.bind(name, toArgs(item), {})));
  return results;
}
