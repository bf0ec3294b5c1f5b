import { transportConformance } from '@tq/conformance';
import type { KafkaBroker } from '@tq/kafka';
import { redisResults } from '../redis/redis-results.js';
import { deleteQueues, testBroker } from './kafka-support.js';

// Kafka is no result backend: the task suite runs with Redis's (TRANSPORTS=kafka,redis).
transportConformance({
  name: 'kafka',
  createBroker: ({ visibilityTimeoutMs }) => testBroker({ visibilityTimeoutMs }),
  publishRaw: (broker, queue, raw) => (broker as KafkaBroker).publishRaw(queue, raw),
  cleanup: deleteQueues,
  pairWith: [redisResults()],
});
