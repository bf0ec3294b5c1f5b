import { MessageDecodeError } from '../errors/message-decode-error.js';

/** Runs `decode`, prefixing any MessageDecodeError with `context` (which task, which layer). */
export function withDecodeContext<T>(context: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof MessageDecodeError) throw new MessageDecodeError(`${context}: ${error.message}`, { cause: error });
    throw error;
  }
}
