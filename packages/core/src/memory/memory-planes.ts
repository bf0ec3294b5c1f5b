import { topicMatches } from '../events/topic-matches.js';
import type { PlaneMessage } from '../spec/control-channel.js';

/** A node listening for control requests. */
export interface MemoryListener {
  readonly node: string;
  readonly handler: (request: PlaneMessage) => void;
}

/** An open reply mailbox. */
export interface MemoryMailbox {
  readonly handler: (reply: PlaneMessage) => void;
  /** Deletes the mailbox when its owner never closes it. */
  readonly expiry: NodeJS.Timeout;
}

/** An event subscriber. */
export interface MemorySubscriber {
  readonly pattern: string;
  readonly handler: (routingKey: string, event: PlaneMessage) => void;
}

/**
 * The control and event planes of one `memory://` state: every handle of the same name shares
 * them, as processes share a server. Each receiver gets its own copy, later (a microtask), as if
 * it came over a wire.
 */
export class MemoryPlanes {
  readonly listeners = new Set<MemoryListener>();
  readonly mailboxes = new Map<string, MemoryMailbox>();
  readonly subscribers = new Set<MemorySubscriber>();

  /** Hand `request` to every listening node. */
  broadcast(request: PlaneMessage): void {
    for (const listener of this.listeners) deliver(request, (copy) => listener.handler(copy));
  }

  /** Hand `reply` to mailbox `id`; dropped when there is none. */
  reply(id: string, reply: PlaneMessage): void {
    const mailbox = this.mailboxes.get(id);
    // Looked up again on arrival: a mailbox closed meanwhile gets nothing.
    if (mailbox) deliver(reply, (copy) => this.mailboxes.get(id) === mailbox && mailbox.handler(copy));
  }

  /** Open mailbox `id`; it disappears after `ttlMs` unless closed first. */
  openMailbox(id: string, ttlMs: number, handler: (reply: PlaneMessage) => void): MemoryMailbox {
    this.closeMailbox(id);
    const expiry = setTimeout(() => this.mailboxes.delete(id), ttlMs);
    // An abandoned mailbox must not keep the process alive.
    expiry.unref();
    const mailbox = { handler, expiry };
    this.mailboxes.set(id, mailbox);
    return mailbox;
  }

  /** Delete mailbox `id` (idempotent). */
  closeMailbox(id: string, only?: MemoryMailbox): void {
    const mailbox = this.mailboxes.get(id);
    if (!mailbox || (only && mailbox !== only)) return;
    clearTimeout(mailbox.expiry);
    this.mailboxes.delete(id);
  }

  /** Hand `event` to every subscriber whose pattern matches `routingKey`. */
  publish(routingKey: string, event: PlaneMessage): void {
    for (const subscriber of this.subscribers) {
      if (topicMatches(subscriber.pattern, routingKey)) deliver(event, (copy) => subscriber.handler(routingKey, copy));
    }
  }
}

function deliver(message: PlaneMessage, to: (copy: PlaneMessage) => void): void {
  queueMicrotask(() => to({ body: message.body.slice(), headers: structuredClone(message.headers) }));
}
