import { restartConformance } from '@tq/conformance';
import { describe } from 'vitest';
import { brokerRestartable, restartBroker } from '../../harness/index.js';
import { deleteQueues, testBroker } from './kafka-support.js';

// Kafka bounces under a running worker; a file of its own, run alone (integration-alone).
describe.skipIf(!brokerRestartable('kafka'))('kafka restart', () => {
  restartConformance({
    name: 'kafka',
    createBroker: ({ visibilityTimeoutMs }) => testBroker({ visibilityTimeoutMs }),
    cleanup: deleteQueues,
    restart: () => restartBroker('kafka'),
  });
});
