import { maybeCurrentTask } from './task-context.js';

/**
 * The running task's id and name (`{ taskId, task }`), or nothing outside a task: a pino `mixin`, so
 * every line logged while a task runs names it, whichever logger child logged it. The default
 * logger uses it; pass it to your own (`pino({ mixin: taskLogFields })`) to get the same.
 *
 * A new object on every call: pino merges the line's fields into the object a mixin returns.
 */
export function taskLogFields(): { taskId?: string; task?: string } {
  const task = maybeCurrentTask();
  return task ? { taskId: task.id, task: task.name } : {};
}
