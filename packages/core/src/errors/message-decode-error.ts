import { TqError } from './tq-error.js';

/**
 * Received bytes that are not a valid task message (bad encoding, JSON or shape). When the
 * headers were readable, `taskId` and `taskName` say which task it was, so the worker can store a
 * FAILURE for it and nobody waits on that id forever.
 */
export class MessageDecodeError extends TqError {
  readonly taskId: string | undefined;
  readonly taskName: string | undefined;

  constructor(message: string, options?: { cause?: unknown; taskId?: string; taskName?: string }) {
    super('TQ_MESSAGE_DECODE', message, options);
    this.taskId = options?.taskId;
    this.taskName = options?.taskName;
  }
}
