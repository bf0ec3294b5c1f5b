import { TqError } from './tq-error.js';

/** Received bytes that are not a valid task message (bad encoding, JSON or shape). */
export class MessageDecodeError extends TqError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TQ_MESSAGE_DECODE', message, options);
  }
}
