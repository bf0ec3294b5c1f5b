import { brokerConformance } from '@tq/conformance';
import { SqsBroker } from '@tq/sqs';
import { deleteQueues, testBroker } from './sqs-test-support.js';

// SQS counts visibility timeouts and delays in whole seconds: a delay of 100 ms is delivered after
// 1 s (rounded up, never early), hence the tolerance. The visibility timeout (2 s) is longer than
// the long-poll wait (1 s, testBroker): a receive aborted by a forced close lives on in the server
// until its wait ends, and would take (and hide) a message that reappears before then.
const visibilityTimeoutMs = 2000;
const delayToleranceMs = 1200;

brokerConformance({
  name: 'sqs',
  capabilities: new SqsBroker().capabilities,
  createBroker: ({ visibilityTimeoutMs }) => testBroker({ visibilityTimeoutMs }),
  publishRaw: (broker, queue, raw) => (broker as SqsBroker).publishRaw(queue, raw),
  cleanup: (queues) => deleteQueues(queues),
  visibilityTimeoutMs,
  delayToleranceMs,
});

brokerConformance({
  name: 'sqs-fifo',
  capabilities: new SqsBroker({ fifo: true }).capabilities,
  createBroker: ({ visibilityTimeoutMs }) => testBroker({ fifo: true, visibilityTimeoutMs }),
  publishRaw: (broker, queue, raw) => (broker as SqsBroker).publishRaw(queue, raw),
  cleanup: (queues) => deleteQueues(queues, { fifo: true }),
  visibilityTimeoutMs,
  delayToleranceMs,
});
