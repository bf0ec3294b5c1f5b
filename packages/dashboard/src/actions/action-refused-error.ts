import { TqError } from '@tq/core';

/** An action the dashboard will not take (no such task, not failed, no arguments recorded); `status` is the HTTP answer. */
export class ActionRefusedError extends TqError {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super('TQ_ACTION_REFUSED', message);
  }
}
