import { transportConformance } from '@tq/conformance';
import { deleteQueues, publishRaw, testBroker } from './amqp-support.js';

// Quorum queues: no priorities on RabbitMQ 3.10, the rest the same (broker and lifecycle suites;
// the task and restart suites run on classic queues). Each hop of the delay ladder goes through
// quorum dead-lettering (at-least-once, via RabbitMQ's dead-letter worker), measured at up to
// ~30 ms a hop here against ~3 ms for classic queues: a delay with several set bits arrives up to
// ~100 ms late (never early).
transportConformance({
  name: 'amqp-quorum',
  createBroker: ({ visibilityTimeoutMs }) => testBroker({ queueType: 'quorum', visibilityTimeoutMs }),
  publishRaw,
  cleanup: deleteQueues,
  delayToleranceMs: 150,
});
