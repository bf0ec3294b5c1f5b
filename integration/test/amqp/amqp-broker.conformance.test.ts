import { AmqpBroker } from '@tq/amqp';
import { brokerConformance } from '@tq/conformance';
import { deleteQueues, publishRaw, testBroker } from './amqp-support.js';

// Classic queues with x-max-priority 10: every capability the broker has.
brokerConformance({
  name: 'amqp-classic',
  capabilities: new AmqpBroker({ url: 'amqp://unused', maxPriority: 10 }).capabilities,
  createBroker: ({ visibilityTimeoutMs }) => testBroker({ maxPriority: 10, visibilityTimeoutMs }),
  cleanup: deleteQueues,
  publishRaw,
});

// Quorum queues: no priorities on RabbitMQ 3.10, the rest the same. Each hop of the delay
// ladder goes through quorum dead-lettering (at-least-once, via RabbitMQ's dead-letter worker),
// measured at up to ~30 ms a hop here against ~3 ms for classic queues: a delay with several set
// bits arrives up to ~100 ms late (never early).
brokerConformance({
  name: 'amqp-quorum',
  capabilities: new AmqpBroker({ url: 'amqp://unused', queueType: 'quorum' }).capabilities,
  createBroker: ({ visibilityTimeoutMs }) => testBroker({ queueType: 'quorum', visibilityTimeoutMs }),
  cleanup: deleteQueues,
  publishRaw,
  delayToleranceMs: 150,
});
