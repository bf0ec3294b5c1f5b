import { TqError } from './tq-error.js';

/** The broker or backend is unreachable; `cause` is the driver error. */
export class BrokerConnectionError extends TqError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TQ_BROKER_CONNECTION', message, options);
  }
}
