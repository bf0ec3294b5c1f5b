import type { Logger } from 'pino';

/**
 * What core hands a transport it builds from a URL (`TransportModule.createBroker(url, context)`).
 * A broker or backend built by hand takes the same members in its config.
 */
export interface TransportContext {
  /**
   * The app's pino logger. Transports log connection loss, reconnects and errors they cannot
   * return through it, never to the console, so the app decides where they go.
   * Default for hand-built transports: `defaultLogger()` (pino to stderr at `TQ_LOG_LEVEL`).
   */
  readonly logger: Logger;
}
