import { restartConformance } from '@tq/conformance';
import { describe } from 'vitest';
import { brokerRestartable, restartBroker } from '../../harness/index.js';
import { brokerOn, deleteQueues } from './redis-test-env.js';

// The server bounces under a running worker; a file of its own, run alone (integration-alone).
describe.skipIf(!brokerRestartable('redis-cluster'))('redis-cluster restart', () => {
  restartConformance({
    name: 'redis-cluster',
    createBroker: ({ visibilityTimeoutMs }) => brokerOn('redis-cluster', { visibilityTimeoutMs }),
    cleanup: (queues) => deleteQueues('redis-cluster', queues),
    restart: () => restartBroker('redis-cluster'),
  });
});
