import { metricsConformance } from '@tq/conformance';
import { deleteQueues, testBroker } from './sqs-test-support.js';

// The shared metrics scenario (packages/conformance/src/metrics) on the harness's ElasticMQ.
metricsConformance({
  name: 'sqs',
  createBroker: () => testBroker(),
  messagingSystem: 'aws_sqs',
  cleanup: (queues) => deleteQueues(queues),
});
