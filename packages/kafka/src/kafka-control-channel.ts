import type { ControlChannel, PlaneMessage } from '@tq/core';
import type { PlaneContext } from './plane-context.js';
import { PLANE_TOPICS } from './plane-topics.js';

/**
 * Remote control on Kafka (ADR 0026): requests go to the topic `tq.pidbox`, which every listening
 * node tails from its end; replies go to `tq.pidbox.reply` keyed by mailbox id, which every open
 * mailbox tails, keeping its own key. Tails use no consumer group, so nothing but records (gone
 * after the topics' 5-minute retention) outlives a reader, dead or alive.
 */
export class KafkaControlChannel implements ControlChannel {
  constructor(private readonly context: PlaneContext) {}

  broadcast(request: PlaneMessage): Promise<void> {
    return this.context.send(PLANE_TOPICS.requests, null, request);
  }

  listen(node: string, handler: (request: PlaneMessage) => void): Promise<() => Promise<void>> {
    // Every node reads every request: core drops those whose destination is another node.
    return this.context.read(PLANE_TOPICS.requests, `control requests of ${node}`, (_key, request) => handler(request));
  }

  /** `ttlMs` is moot: a mailbox is a position in the shared reply topic, gone with its reader. */
  openMailbox(id: string, _ttlMs: number, handler: (reply: PlaneMessage) => void): Promise<() => Promise<void>> {
    return this.context.read(PLANE_TOPICS.replies, `mailbox ${id}`, (key, reply) => {
      if (key === id) handler(reply);
    });
  }

  /** Written even when nobody reads mailbox `id` any more: it then expires unread with the topic's retention. */
  reply(id: string, reply: PlaneMessage): Promise<void> {
    return this.context.send(PLANE_TOPICS.replies, id, reply);
  }
}
