import type { Task } from './task.js';

/**
 * Every task defined in this thread or process, by name, whatever app defined it. A pool child imports
 * the module that defined a task and finds it here. Kept on `globalThis` under a registered symbol so that
 * two copies of `@tq/core` (the child's entry and the user's module resolving it differently) share it.
 */
const KEY = Symbol.for('tq.definedTasks');

// biome-ignore lint/suspicious/noExplicitAny: tasks of every signature live here
type AnyTask = Task<any, any>;

function tasks(): Map<string, AnyTask> {
  const holder = globalThis as { [KEY]?: Map<string, AnyTask> };
  holder[KEY] ??= new Map();
  return holder[KEY];
}

/** Note a task just defined (the last definition of a name wins, as a re-imported module's). */
export function rememberTask(task: AnyTask): void {
  tasks().set(task.name, task);
}

/** The task defined under `name` in this thread or process, or undefined. */
export function definedTask(name: string): AnyTask | undefined {
  return tasks().get(name);
}
