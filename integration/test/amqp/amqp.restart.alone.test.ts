import { restartConformance } from '@tq/conformance';
import { describe } from 'vitest';
import { brokerRestartable, restartBroker } from '../../harness/index.js';
import { deleteQueues, testBroker } from './amqp-support.js';

// RabbitMQ bounces under a running worker; a file of its own, run alone (integration-alone).
describe.skipIf(!brokerRestartable('amqp'))('amqp restart', () => {
  restartConformance({
    name: 'amqp-classic',
    createBroker: ({ visibilityTimeoutMs }) => testBroker({ maxPriority: 10, visibilityTimeoutMs }),
    cleanup: deleteQueues,
    restart: () => restartBroker('amqp'),
  });
});
