import { TqError } from './tq-error.js';

/** An encoded message over the transport's size limit; nothing was sent. */
export class PayloadTooLargeError extends TqError {
  readonly sizeBytes: number;
  readonly limitBytes: number;

  constructor(what: string, sizeBytes: number, limitBytes: number) {
    super(
      'TQ_PAYLOAD_TOO_LARGE',
      `${what} is ${sizeBytes} bytes, over the limit of ${limitBytes} bytes. Pass a reference (a URL or storage key) instead of the data itself.`,
    );
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }
}
