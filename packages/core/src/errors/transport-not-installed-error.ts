import { TqError } from './tq-error.js';

/** A broker/backend URL whose transport package is not installed. */
export class TransportNotInstalledError extends TqError {
  readonly packageName: string;

  constructor(scheme: string, packageName: string, options?: { cause?: unknown }) {
    super(
      'TQ_TRANSPORT_NOT_INSTALLED',
      `The '${scheme}://' transport lives in ${packageName}, which is not installed. Run: npm install ${packageName}`,
      options,
    );
    this.packageName = packageName;
  }
}
