import type { Task } from './task.js';

/** Where a worker finds the functions behind task names. `App` implements it. */
export interface TaskRegistry {
  /** The task registered under `name`, or undefined when this process does not know it. */
  // biome-ignore lint/suspicious/noExplicitAny: tasks of every signature live here; callers check arguments at run time
  getTask(name: string): Task<any, any> | undefined;
  /** Names of every registered task. */
  taskNames(): string[];
}
