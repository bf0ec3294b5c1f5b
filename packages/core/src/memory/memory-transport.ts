import type { TransportModule } from '../spec/transport-module.js';
import { checkUrlParams } from '../transport/check-url-params.js';
import { numberParam } from '../transport/number-param.js';
import { MemoryBroker } from './memory-broker.js';
import { MemoryResultBackend } from './memory-result-backend.js';

/**
 * The `memory://` transport, built into `@tq/core`.
 *
 * - `memory://` gives each app its own private queues/records.
 * - `memory://<name>` shares them with every app using the same name in this process (a
 *   producer app and a worker app in one test, say).
 *
 * The broker reads `?visibilityTimeoutMs=` and `?maxMessageBytes=`; the backend reads `?expiresMs=`.
 */
export const memoryTransport: TransportModule = {
  schemes: ['memory'],
  createBroker: (url) => {
    checkUrlParams(url, ['visibilityTimeoutMs', 'maxMessageBytes']);
    return new MemoryBroker({
      name: nameOf(url),
      visibilityTimeoutMs: numberParam(url, 'visibilityTimeoutMs'),
      maxMessageBytes: numberParam(url, 'maxMessageBytes'),
    });
  },
  createResultBackend: (url) => {
    checkUrlParams(url, ['expiresMs']);
    return new MemoryResultBackend({ name: nameOf(url), expiresMs: numberParam(url, 'expiresMs') });
  },
};

function nameOf(url: URL): string | undefined {
  return url.hostname === '' ? undefined : decodeURIComponent(url.hostname);
}
