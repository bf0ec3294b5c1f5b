import { RedisBroker } from './redis-broker.js';
import type { RedisBrokerConfig } from './redis-broker-config.js';

/**
 * A Redis broker from a URL or from your own ioredis client (never closed by tq):
 * `createApp({ broker: redisBroker({ client, keyPrefix: 'app:' }) })`.
 */
export function redisBroker(config: RedisBrokerConfig | string = {}): RedisBroker {
  return new RedisBroker(typeof config === 'string' ? { url: config } : config);
}
