import { restartConformance } from '@tq/conformance';
import { describe } from 'vitest';
import { brokerRestartable, restartBroker } from '../../harness/index.js';
import { deleteQueues, testBroker } from './sqs-test-support.js';

// ElasticMQ keeps queues and messages on disk (tools/brokers/elasticmq/elasticmq.conf), so it can
// bounce under a running worker like the other brokers. A file of its own, run alone.
describe.skipIf(!brokerRestartable('sqs'))('sqs restart', () => {
  restartConformance({
    name: 'sqs',
    createBroker: ({ visibilityTimeoutMs }) => testBroker({ fifo: false, visibilityTimeoutMs }),
    cleanup: (queues) => deleteQueues(queues, { fifo: false }),
    restart: () => restartBroker('sqs'),
    taskVisibilityTimeoutMs: 10_000,
  });
});
