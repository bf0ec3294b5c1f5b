import { transportConformance } from '@tq/conformance';
import type { SqsBroker } from '@tq/sqs';
import { redisResults } from '../redis/redis-results.js';
import { deleteQueues, testBroker } from './sqs-test-support.js';

// SQS counts visibility timeouts and delays in whole seconds: a delay of 100 ms is delivered after
// 1 s (rounded up, never early), hence the tolerance. The visibility timeout (2 s) is longer than
// the long-poll wait (1 s, testBroker): a receive aborted by a forced close lives on in the server
// until its wait ends, and would take (and hide) a message that reappears before then.
// SQS is no result backend: the task suite runs with Redis's (TRANSPORTS=sqs,redis). No restart
// suite: ElasticMQ keeps its queues in memory, so a restart loses them (AWS never restarts on you).
// Its on-disk storage (H2) would keep them, but under a full test run it once stalled a send past
// its 21 s request timeout (503), so the harness keeps it in memory.
/** Registers every conformance suite against standard or FIFO queues (a file each, so the two run side by side). */
export function sqsConformance(fifo: boolean): void {
  transportConformance({
    name: fifo ? 'sqs-fifo' : 'sqs',
    createBroker: ({ visibilityTimeoutMs }) => testBroker({ fifo, visibilityTimeoutMs }),
    publishRaw: (broker, queue, raw) => (broker as SqsBroker).publishRaw(queue, raw),
    cleanup: (queues) => deleteQueues(queues, { fifo }),
    pairWith: [redisResults()],
    visibilityTimeoutMs: 2000,
    taskVisibilityTimeoutMs: 10_000,
    delayToleranceMs: 1200,
  });
}
