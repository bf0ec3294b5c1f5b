import { PRIORITY_LEVELS } from './priority.js';

/** kombu's separator between a queue name and its priority bucket (spec §2.1). */
export const KOMBU_SEP = '\x06\x16';

/** Every key of one queue. All share one hash slot in cluster mode, so one script can touch them. */
export interface QueueKeys {
  /** Ready lists by kombu bucket: `[0]` is the queue's own list (consumed first), `[9]` the last. */
  readonly ready: readonly string[];
  /** In-flight records: claim id → `<bucket>|<deliveryCount>|<raw>`. */
  readonly unacked: string;
  /** In-flight deadlines: claim id → ms on the Redis clock. */
  readonly unackedIndex: string;
  /** Delayed messages: `<id>|<bucket>|<deliveryCount>|<raw>` → due time (ms, Redis clock). */
  readonly delayed: string;
  /** Delivery counts of messages that went back to waiting: sha1(raw) → deliveries so far. */
  readonly redelivered: string;
  /** Dead letters, oldest first: `<json header>\n<raw>`. */
  readonly dead: string;
  /** The doorbell consumers block on; one member, rung on every publish (cluster only). */
  readonly marker: string;
  /** Consumers waiting for work: consumer id → registration expiry (standalone only, see push.lua). */
  readonly idle: string;
  /** How many more messages each idle consumer takes: consumer id → credits (standalone only). */
  readonly credits: string;
  /** A consumer's inbox is this prefix plus its id (standalone only). */
  readonly inboxPrefix: string;
  /** KEYS of `claim.lua`. */
  readonly claimKeys: readonly string[];
  /** KEYS of `settle.lua`. */
  readonly settleKeys: readonly string[];
  /** KEYS of `ack.lua`. */
  readonly ackKeys: readonly string[];
}

/** Keys of pidbox reply mailboxes (spec §9.1). In a cluster all share one hash slot, so one script or BRPOP spans them. */
export interface MailboxKeys {
  /** kombu's binding set of the reply exchange: Python workers reply only to mailboxes bound in it. */
  readonly binding: string;
  /** tq's mailboxes: id → when it goes unless its caller keeps it open (ms, Redis clock). */
  readonly deadlines: string;
  /** A mailbox's list is `listPrefix + id + listSuffix` (kombu's `<id>.reply.celery.pidbox`). */
  readonly listPrefix: string;
  readonly listSuffix: string;
}

/**
 * Names of the broker's Redis keys.
 *
 * Standalone: the ready lists are kombu's (`<prefix><queue>`, `<prefix><queue>\x06\x16<n>`), so
 * Python Celery producers and workers share them; tq's own bookkeeping lives beside them under
 * `_tq.<queue>.*`. Cluster: kombu has no cluster support, so the queue name is wrapped in a hash
 * tag (`{<queue>}`) and every key of a queue lands in one slot. Doorbells of all queues share the
 * `{_tq.markers}` slot so one blocking call can wait on several queues, in cluster mode too.
 */
export class KeySpace {
  private readonly cache = new Map<string, QueueKeys>();
  private mailboxKeys: MailboxKeys | undefined;

  constructor(
    /** Prepended to every key and channel, like kombu's `global_keyprefix`. */
    readonly prefix: string,
    readonly cluster: boolean,
  ) {}

  /** The keys of `queue` (memoized: publishing and claiming look them up constantly). */
  queue(queue: string): QueueKeys {
    let keys = this.cache.get(queue);
    if (!keys) {
      const base = this.prefix + (this.cluster ? `{${queue}}` : queue);
      const own = `${this.prefix}_tq.${this.cluster ? `{${queue}}` : queue}`;
      const ready = Array.from({ length: PRIORITY_LEVELS }, (_, bucket) => (bucket === 0 ? base : `${base}${KOMBU_SEP}${bucket}`));
      const [unacked, unackedIndex, delayed, redelivered, dead, idle, credits] = [
        'unacked',
        'unacked_index',
        'delayed',
        'redelivered',
        'dead',
        'idle',
        'credits',
      ].map((name) => `${own}.${name}`) as [string, string, string, string, string, string, string];
      const claimKeys = [...ready, unacked, unackedIndex, delayed, redelivered];
      keys = {
        ready,
        unacked,
        unackedIndex,
        delayed,
        redelivered,
        dead,
        marker: `${this.prefix}{_tq.markers}.${queue}`,
        idle,
        credits,
        inboxPrefix: `${own}.inbox.`,
        claimKeys,
        settleKeys: [...claimKeys, dead],
        ackKeys: [unacked, unackedIndex],
      };
      this.cache.set(queue, keys);
    }
    return keys;
  }

  /** kombu's binding set of the queue's direct exchange (`_kombu.binding.<queue>`), standalone only. */
  binding(queue: string): string {
    return `${this.prefix}_kombu.binding.${queue}`;
  }

  /** kombu's broadcast channel for remote control on database `db` (spec §2.8, §9). */
  pidboxChannel(db: number): string {
    return `${this.prefix}/${db}.celery.pidbox`;
  }

  /** What every event channel on database `db` starts with; the routing key completes it (spec §8.1). */
  eventChannelPrefix(db: number): string {
    return `${this.prefix}/${db}.celeryev/`;
  }

  /**
   * The reply mailboxes. Standalone: kombu's names, so Python workers reply to tq callers and tq
   * workers to Python ones. Cluster (kombu has no cluster support): the same names with the
   * exchange name as hash tag.
   */
  get mailboxes(): MailboxKeys {
    this.mailboxKeys ??= {
      binding: `${this.prefix}_kombu.binding.${this.replyExchange}`,
      deadlines: `${this.prefix}_tq.${this.replyExchange}.deadlines`,
      listPrefix: this.prefix,
      listSuffix: `.${this.replyExchange}`,
    };
    return this.mailboxKeys;
  }

  /** The list of mailbox `id`. */
  mailbox(id: string): string {
    return `${this.prefix}${id}.${this.replyExchange}`;
  }

  /** Where the mailbox reader `reader` (a unique id) is woken to read a mailbox opened while it waits. */
  mailboxWake(reader: string): string {
    return `${this.prefix}_tq.${this.replyExchange}.wake.${reader}`;
  }

  /** The reply exchange as it appears in mailbox key names: hash-tagged in a cluster. */
  private get replyExchange(): string {
    return this.cluster ? '{reply.celery.pidbox}' : 'reply.celery.pidbox';
  }
}
