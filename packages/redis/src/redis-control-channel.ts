import type { ControlChannel, Logger, PlaneMessage } from '@tq/core';
import type { KeySpace } from './key-space.js';
import { MailboxReader } from './mailbox-reader.js';
import { parsePlaneEnvelope } from './parse-plane-envelope.js';
import { planeEnvelope } from './plane-envelope.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisPubSub } from './redis-pub-sub.js';
import { scripts } from './redis-script.js';

/**
 * How long a reply to a mailbox tq did not open (a Python caller's, which has no deadline) may
 * wait in its list. The caller pops it within milliseconds, and deletes the list when done; this
 * only bounds what a caller killed meanwhile leaves.
 */
const FOREIGN_REPLY_TTL_MS = 60_000;

/**
 * Remote control in kombu's Redis layout (spec §2.8, §9), so `celery inspect` reaches tq workers
 * and `tq inspect` Python ones:
 *
 * - requests: `PUBLISH /<db>.celery.pidbox`; every node SUBSCRIBEs (the shared pub/sub connection).
 *   kombu also adds each node to `_kombu.binding.celery.pidbox`, which nothing reads and which a
 *   killed node leaves forever; tq does not.
 * - replies: list `<id>.reply.celery.pidbox`, bound in `_kombu.binding.reply.celery.pidbox`. A
 *   reply is pushed only while that binding exists, and every key expires with the mailbox's ttl,
 *   which an open mailbox renews: a caller that dies leaves nothing (Celery's leak, kombu#294).
 *   One connection reads all of a process's mailboxes (see {@link MailboxReader}).
 *
 * The shared binding set expires with the longest-lived tq mailbox (a Python caller's leftovers
 * too). A Python caller bound in it when that happens loses the rest of its replies, as kombu drops
 * replies to a caller that is gone; a reply from a tq worker renews the set for it first.
 */
export class RedisControlChannel implements ControlChannel {
  private readonly reader: MailboxReader;
  private readonly channel: string;
  /** Closers of the open mailboxes, to close them with the broker. */
  private readonly open = new Set<() => Promise<void>>();

  constructor(
    private readonly connection: RedisConnection,
    private readonly pubsub: RedisPubSub,
    private readonly keys: KeySpace,
    private readonly logger: Logger,
  ) {
    this.channel = keys.pidboxChannel(connection.db);
    this.reader = new MailboxReader(connection, keys, logger);
  }

  async broadcast(request: PlaneMessage): Promise<void> {
    const envelope = planeEnvelope(request, { exchange: 'celery.pidbox', routingKey: '', deliveryMode: 2 });
    await this.connection.command.publish(this.channel, envelope);
  }

  /** Every node shares the one channel: `node` names no key here, nodes filter by destination themselves. */
  listen(_node: string, handler: (request: PlaneMessage) => void): Promise<() => Promise<void>> {
    return this.pubsub.listen(this.channel, (raw) => {
      const request = parsePlaneEnvelope(raw);
      if (request) handler(request);
      else this.logger.warn({ channel: this.channel }, 'ignored a control request that is not a kombu envelope');
    });
  }

  /**
   * Binds the mailbox before resolving, so a request sent after it gets every reply. While open it
   * is kept alive every third of `ttlMs`.
   */
  async openMailbox(id: string, ttlMs: number, handler: (reply: PlaneMessage) => void): Promise<() => Promise<void>> {
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const list = this.keys.mailbox(id);
    this.reader.add(list, (raw) => {
      const reply = parsePlaneEnvelope(raw);
      if (reply) handler(reply);
      else this.logger.warn({ mailbox: id }, 'ignored a control reply that is not a kombu envelope');
    });
    try {
      await this.touch(id, ttl, true);
    } catch (error) {
      this.reader.remove(list);
      throw error;
    }
    const keepAlive = setInterval(
      () => {
        this.touch(id, ttl, false).catch((error: unknown) =>
          this.logger.warn({ err: error, mailbox: id }, 'could not renew a control reply mailbox; it expires'),
        );
      },
      Math.max(1, ttl / 3),
    );
    // A pending request must not keep the process alive by itself.
    keepAlive.unref();
    const close = async () => {
      if (!this.open.delete(close)) return;
      clearInterval(keepAlive);
      this.reader.remove(list);
      const { binding, deadlines } = this.keys.mailboxes;
      await scripts.mailboxClose.run(this.connection.command, [binding, deadlines, list], [id]);
    };
    this.open.add(close);
    return close;
  }

  async reply(id: string, reply: PlaneMessage): Promise<void> {
    const { binding, deadlines } = this.keys.mailboxes;
    const envelope = planeEnvelope(reply, { exchange: 'reply.celery.pidbox', routingKey: id, deliveryMode: 1 });
    await scripts.mailboxReply.runNow(
      this.connection.command,
      [binding, deadlines, this.keys.mailbox(id)],
      [id, envelope, FOREIGN_REPLY_TTL_MS],
    );
  }

  /** Close the mailboxes still open (best effort: they expire anyway) and the reader's connection. */
  async close(): Promise<void> {
    await Promise.all([...this.open].map((close) => close().catch(() => {})));
    await this.reader.close();
  }

  /** Bind mailbox `id` and push its deadline `ttl` ms out (mailbox-open.lua); `wake` the reader for a new one. */
  private async touch(id: string, ttl: number, wake: boolean): Promise<void> {
    const { binding, deadlines, listPrefix, listSuffix } = this.keys.mailboxes;
    await scripts.mailboxOpen.runNow(
      this.connection.command,
      [binding, deadlines, this.keys.mailbox(id), this.reader.wakeKey],
      [id, ttl, listPrefix, listSuffix, wake ? 1 : 0],
    );
  }
}
