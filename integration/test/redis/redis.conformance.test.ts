import { redisConformance } from './conformance-suites.js';

// The harness provides Redis (REDIS_URL or a local redis-server); in CI a missing broker fails the run.
redisConformance('redis');
