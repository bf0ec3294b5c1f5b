import { TqError } from './tq-error.js';

/** Invalid configuration: the message says which setting and how to fix it. */
export class ConfigurationError extends TqError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TQ_CONFIGURATION', message, options);
  }
}
