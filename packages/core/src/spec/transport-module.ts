/**
 * How a URL scheme finds its transport package. `createApp({ broker: 'redis://...' })` imports
 * the package registered for the scheme (`@tq/redis`) and calls these factories; a scheme whose
 * package is not installed fails with `TransportNotInstalledError` naming the package.
 */
import type { Broker } from './broker.js';
import type { ResultBackend } from './result-backend.js';
import type { TransportContext } from './transport-context.js';

/** What a transport package exports as `transport`. */
export interface TransportModule {
  /** URL schemes served, without `:` (e.g. `['redis', 'rediss']`). */
  readonly schemes: readonly string[];
  /** Build a broker from its URL. No I/O here: `connect()` does it. `context` carries the app's logger. */
  createBroker?(url: URL, context: TransportContext): Broker;
  /** Build a result backend from its URL. No I/O here: `connect()` does it. `context` carries the app's logger. */
  createResultBackend?(url: URL, context: TransportContext): ResultBackend;
}

/** Scheme → npm package. The one place this fact lives. */
export const TRANSPORT_PACKAGES: Readonly<Record<string, string>> = {
  redis: '@tq/redis',
  rediss: '@tq/redis',
  amqp: '@tq/amqp',
  amqps: '@tq/amqp',
  rpc: '@tq/amqp',
  kafka: '@tq/kafka',
  sqs: '@tq/sqs',
};
