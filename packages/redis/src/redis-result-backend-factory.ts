import { RedisResultBackend, type RedisResultBackendConfig } from './redis-result-backend.js';

/** A Redis result backend from a URL or from your own ioredis client (never closed by tq). */
export function redisResultBackend(config: RedisResultBackendConfig | string = {}): RedisResultBackend {
  return new RedisResultBackend(typeof config === 'string' ? { url: config } : config);
}
