import { brokerConformance } from '@tq/conformance';
import { KafkaBroker } from '@tq/kafka';
import { deleteQueues, testBroker, testConfig } from './kafka-support.js';

brokerConformance({
  name: 'kafka',
  capabilities: new KafkaBroker(testConfig()).capabilities,
  createBroker: ({ visibilityTimeoutMs }) => testBroker({ visibilityTimeoutMs }),
  publishRaw: (broker, queue, raw) => (broker as KafkaBroker).publishRaw(queue, raw),
  cleanup: deleteQueues,
});
