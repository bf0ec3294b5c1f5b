/**
 * `@tq/redis`: the Redis broker and result backend for tq, sharing queues and results with Python
 * Celery (kombu's Redis layout, Celery's result keys). See docs/transports/redis.md.
 */
export { parseRedisUrl, type RedisUrl } from './parse-redis-url.js';
export { RedisBroker, type RedisBrokerHealth } from './redis-broker.js';
export type { RedisBrokerConfig } from './redis-broker-config.js';
export { redisBroker } from './redis-broker-factory.js';
export type { RedisConnectionConfig } from './redis-connection.js';
export type { ConsumerHealth } from './redis-consumer.js';
export { RedisResultBackend, type RedisResultBackendConfig } from './redis-result-backend.js';
export { redisResultBackend } from './redis-result-backend-factory.js';
export type { RedisClient } from './redis-script.js';
export { transport } from './redis-transport.js';
