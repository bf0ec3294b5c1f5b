import { restartConformance } from '@tq/conformance';
import { describe } from 'vitest';
import { brokerRestartable, restartBroker } from '../../harness/index.js';
import { brokerOn, deleteQueues } from './redis-test-env.js';

// The server bounces under a running worker; a file of its own, run alone (integration-alone).
describe.skipIf(!brokerRestartable('redis'))('redis restart', () => {
  restartConformance({
    name: 'redis',
    createBroker: ({ visibilityTimeoutMs }) => brokerOn('redis', { visibilityTimeoutMs }),
    cleanup: (queues) => deleteQueues('redis', queues),
    restart: () => restartBroker('redis'),
  });
});
