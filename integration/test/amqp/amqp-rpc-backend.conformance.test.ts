import { randomUUID } from 'node:crypto';
import { RpcResultBackend } from '@tq/amqp';
import { backendConformance } from '@tq/conformance';
import { amqpUrl, quietLogger } from './amqp-support.js';

// rpc:// replies go to one reply queue, read by the process that sent the tasks. The suite's
// writer and reader are two backends here, so they share this file's reply queue: the writer
// (which never reads) publishes to it, the reader consumes it.
const replyTo = `tq-conformance-rpc-${randomUUID()}`;

backendConformance({
  name: 'amqp-rpc',
  capabilities: new RpcResultBackend({ url: 'amqp://unused' }).capabilities,
  createBackend: () => new RpcResultBackend({ url: amqpUrl(), replyTo, logger: quietLogger }),
});
