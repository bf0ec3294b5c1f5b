import { randomUUID } from 'node:crypto';
import type { ControlChannel, PlaneMessage } from '@tq/core';
import type { SqsPlanes } from './sqs-planes.js';

/**
 * Remote control on SQS (ADR 0026), which has no fan-out: each listening node owns a queue
 * `tq-pidbox-<node>-<random>`, and a broadcast lists those queues (ListQueues by prefix) and sends
 * to each. A mailbox is a queue `tq-reply-<id>`, so a node replies by name. Every queue carries an
 * expiry tag its owner renews: a killed owner's queue is deleted by the next process that sweeps
 * its kind, and what it held expires after a minute (SQS's shortest retention).
 */
export class SqsControlChannel implements ControlChannel {
  constructor(private readonly planes: SqsPlanes) {}

  /** Lists the nodes afresh each time: control requests are rare, and a node started a moment ago must get them. */
  async broadcast(request: PlaneMessage): Promise<void> {
    await this.planes.queues.sweep('node');
    await this.planes.send(await this.planes.queues.list('node', 0), request);
  }

  listen(node: string, handler: (request: PlaneMessage) => void): Promise<() => Promise<void>> {
    // A random part: two processes started with one node name (or a restart within the TTL) get a queue each.
    return this.planes.read('node', handler, { suffix: `${node}-${randomUUID().slice(0, 8)}` });
  }

  openMailbox(id: string, ttlMs: number, handler: (reply: PlaneMessage) => void): Promise<() => Promise<void>> {
    return this.planes.read('mailbox', handler, { suffix: id, ttlMs });
  }

  async reply(id: string, reply: PlaneMessage): Promise<void> {
    const url = await this.planes.queues.urlOf(this.planes.queues.name('mailbox', id));
    if (url) await this.planes.send([url], reply);
  }
}
