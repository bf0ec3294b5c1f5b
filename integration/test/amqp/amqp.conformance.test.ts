import { randomUUID } from 'node:crypto';
import { RpcResultBackend } from '@tq/amqp';
import { transportConformance } from '@tq/conformance';
import { redisResults } from '../redis/redis-results.js';
import { amqpUrl, deleteQueues, publishRaw, quietLogger, testBroker } from './amqp-support.js';

// rpc:// replies go to one reply queue, read by the process that sent the tasks. The backend
// suite's writer and reader are two backends here, so they share this file's reply queue: the
// writer (which never reads) publishes to it, the reader consumes it. In the task suite each app
// connects its backend with its own reply queue (the app's replyTo), as in production.
const replyTo = `tq-conformance-rpc-${randomUUID()}`;

// Classic queues with x-max-priority 10: every capability the broker has. The task suite runs with
// rpc:// and, when Redis is selected too (TRANSPORTS=amqp,redis), with Redis's result backend.
transportConformance({
  name: 'amqp-classic',
  createBroker: ({ visibilityTimeoutMs }) => testBroker({ maxPriority: 10, visibilityTimeoutMs }),
  createBackend: () => new RpcResultBackend({ url: amqpUrl(), replyTo, logger: quietLogger }),
  backendName: 'rpc',
  pairWith: [redisResults()],
  publishRaw,
  cleanup: deleteQueues,
});
