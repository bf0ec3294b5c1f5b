import { metricsConformance } from '@tq/conformance';
import { deleteQueues, testBroker } from './amqp-support.js';

// The shared metrics scenario (packages/conformance/src/metrics) on the harness's RabbitMQ.
metricsConformance({ name: 'amqp', createBroker: () => testBroker(), messagingSystem: 'rabbitmq', cleanup: deleteQueues });
