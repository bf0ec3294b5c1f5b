import { metricsConformance } from '@tq/conformance';
import { brokerOn, deleteQueues } from './redis-test-env.js';

// The shared metrics scenario (packages/conformance/src/metrics) on the harness's Redis.
metricsConformance({
  name: 'redis',
  createBroker: () => brokerOn('redis'),
  messagingSystem: 'redis',
  cleanup: (queues) => deleteQueues('redis', queues),
});
