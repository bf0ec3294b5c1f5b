import type { ControlChannel, PlaneMessage } from '../spec/control-channel.js';
import type { MemoryListener, MemoryMailbox, MemoryPlanes } from './memory-planes.js';

/**
 * Remote control on `memory://`: requests reach every node listening on a handle of the same
 * name, replies reach the open mailbox. One per broker handle, which drops what it opened on close.
 */
export class MemoryControlChannel implements ControlChannel {
  private readonly listeners = new Set<MemoryListener>();
  private readonly mailboxes = new Map<string, MemoryMailbox>();

  constructor(private readonly planes: () => MemoryPlanes) {}

  async broadcast(request: PlaneMessage): Promise<void> {
    this.planes().broadcast(request);
  }

  async listen(node: string, handler: (request: PlaneMessage) => void): Promise<() => Promise<void>> {
    const planes = this.planes();
    const listener = { node, handler };
    planes.listeners.add(listener);
    this.listeners.add(listener);
    return async () => {
      planes.listeners.delete(listener);
      this.listeners.delete(listener);
    };
  }

  async openMailbox(id: string, ttlMs: number, handler: (reply: PlaneMessage) => void): Promise<() => Promise<void>> {
    const planes = this.planes();
    const mailbox = planes.openMailbox(id, ttlMs, handler);
    this.mailboxes.set(id, mailbox);
    return async () => {
      planes.closeMailbox(id, mailbox);
      this.mailboxes.delete(id);
    };
  }

  async reply(id: string, reply: PlaneMessage): Promise<void> {
    this.planes().reply(id, reply);
  }

  /** The broker handle closed: stop listening and delete its mailboxes. */
  close(): void {
    const planes = this.planes();
    for (const listener of this.listeners) planes.listeners.delete(listener);
    for (const [id, mailbox] of this.mailboxes) planes.closeMailbox(id, mailbox);
    this.listeners.clear();
    this.mailboxes.clear();
  }
}
