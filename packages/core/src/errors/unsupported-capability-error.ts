import { TqError } from './tq-error.js';

/** A feature the chosen transport does not have (never a silent no-op). */
export class UnsupportedCapabilityError extends TqError {
  readonly capability: string;

  constructor(capability: string, message: string) {
    super('TQ_UNSUPPORTED_CAPABILITY', message);
    this.capability = capability;
  }
}
