import { metricsConformance } from '@tq/conformance';
import { deleteQueues, testBroker } from './kafka-support.js';

// The shared metrics scenario (packages/conformance/src/metrics) on the harness's Kafka.
metricsConformance({ name: 'kafka', createBroker: () => testBroker(), messagingSystem: 'kafka', cleanup: deleteQueues });
