import type { Logger } from 'pino';
import { maybeCurrentTask } from '../task/task-context.js';
import { AttemptContext } from './attempt-context.js';

/**
 * Keeps one careless task from killing the worker (and every worker after it that receives the
 * same message). While a worker runs, unhandled rejections and uncaught exceptions are caught:
 * Node calls these handlers in the async context of the code that raised them, so an error from a
 * task's code fails THAT attempt (stored as its FAILURE, the message settled as usual); an error
 * no task can be blamed for is logged and the worker keeps running. See ADR 18.
 */
export class ProcessGuard {
  private static users = new Set<Logger>();

  /** Start guarding for a worker (reference counted: the handlers go when the last worker stops). */
  static acquire(logger: Logger): void {
    if (ProcessGuard.users.size === 0) {
      process.on('unhandledRejection', ProcessGuard.onUnhandledRejection);
      process.on('uncaughtException', ProcessGuard.onUncaughtException);
    }
    ProcessGuard.users.add(logger);
  }

  static release(logger: Logger): void {
    if (!ProcessGuard.users.delete(logger) || ProcessGuard.users.size > 0) return;
    process.off('unhandledRejection', ProcessGuard.onUnhandledRejection);
    process.off('uncaughtException', ProcessGuard.onUncaughtException);
  }

  private static readonly onUnhandledRejection = (reason: unknown): void => ProcessGuard.blame(reason, 'unhandled rejection');

  private static readonly onUncaughtException = (error: Error): void => ProcessGuard.blame(error, 'uncaught exception');

  private static blame(error: unknown, what: string): void {
    const logger = ProcessGuard.users.values().next().value as Logger | undefined;
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
}
