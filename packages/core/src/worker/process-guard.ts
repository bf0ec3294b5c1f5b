import type { Logger } from 'pino';
import { maybeCurrentTask } from '../task/task-context.js';
import { AttemptContext } from './attempt-context.js';

/** Loggers of the running workers: the handlers are installed while there is at least one. */
const users = new Set<Logger>();

/**
 * Keeps one careless task from killing the worker (and every worker after it that receives the
 * same message). While a worker runs, unhandled rejections and uncaught exceptions are caught:
 * Node calls these handlers in the async context of the code that raised them, so an error from a
 * task's code fails THAT attempt (stored as its FAILURE, the message settled as usual); an error
 * no task can be blamed for is logged and the worker keeps running. See ADR 18.
 */
export const processGuard = {
  /** Start guarding for a worker (reference counted: the handlers go when the last worker stops). */
  acquire(logger: Logger): void {
    if (users.size === 0) {
      process.on('unhandledRejection', onUnhandledRejection);
      process.on('uncaughtException', onUncaughtException);
    }
    users.add(logger);
  },

  /** Stop guarding for the worker of `logger`. */
  release(logger: Logger): void {
    if (!users.delete(logger) || users.size > 0) return;
    process.off('unhandledRejection', onUnhandledRejection);
    process.off('uncaughtException', onUncaughtException);
  },
};

function onUnhandledRejection(reason: unknown): void {
  blame(reason, 'unhandled rejection');
}

function onUncaughtException(error: Error): void {
  blame(error, 'uncaught exception');
}

function blame(error: unknown, what: string): void {
  const logger = users.values().next().value as Logger | undefined;
  const context = maybeCurrentTask();
  if (context instanceof AttemptContext) {
    const failed = context.crash(error);
    logger?.error(
      { err: error, taskId: context.id, task: context.name },
      failed ? `${what} in task ${context.name}: the attempt fails with it` : `${what} in task ${context.name} after its attempt ended`,
    );
    return;
  }
  logger?.error({ err: error }, `${what} outside any task; the worker keeps running`);
}
