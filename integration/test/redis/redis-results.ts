import type { PairedBackend } from '@tq/conformance';
import { brokerAvailable } from '../../harness/index.js';
import { backendOn } from './redis-test-env.js';

/**
 * Redis's result backend as the task suite's partner of a broker that stores no results (Kafka,
 * SQS) or ships with Redis as an alternative (RabbitMQ): the `redis://` backend the README tells
 * users to pair them with. Without Redis in this run (`TRANSPORTS`), that task suite is skipped
 * with the reason, visibly.
 */
export function redisResults(): PairedBackend {
  return {
    name: 'redis',
    createBackend: () => backendOn('redis'),
    unavailable: brokerAvailable('redis') ? undefined : 'this run does not provide Redis: add redis to TRANSPORTS',
  };
}
