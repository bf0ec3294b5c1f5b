import { createHash } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  type SQSClient,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { entityName } from './queue-name.js';
import { isQueueMissing, sqsError } from './sqs-errors.js';

/** The kinds of plane queue (ADR 0026), each a name prefix after the broker's `queueNamePrefix`. */
export const PLANE_PREFIX = {
  /** A listening node's control requests: `tq-pidbox-<node>-<random>`. */
  node: 'tq-pidbox-',
  /** A caller's reply mailbox: `tq-reply-<mailbox id>`, so a replying node finds it by name. */
  mailbox: 'tq-reply-',
  /** An event subscriber's copy of every event: `tq-ev-<random>`. */
  events: 'tq-ev-',
} as const;

/** Kind of plane queue. */
export type PlaneKind = keyof typeof PLANE_PREFIX;

/** Queue tag: epoch ms after which anyone may delete the queue. Its owner keeps pushing it forward. */
export const EXPIRES_TAG = 'tq-expires';

/** SQS's shortest MessageRetentionPeriod: what a dead owner's queue holds is gone after a minute. */
const RETENTION_SECONDS = '60';
/** SQS: queue names are 1–80 characters of letters, digits, `-` and `_`. */
const MAX_NAME = 80;

/** What {@link PlaneQueues} needs from its broker. */
export interface PlaneQueuesOptions {
  client: () => SQSClient;
  /** The broker's `queueNamePrefix`, so apps sharing an account can keep their planes apart. */
  prefix: string;
  /** How long a queue lives unrenewed; sweeps run at most every half of it. */
  ttlMs: number;
  report: (error: Error) => void;
}

/**
 * The SQS queues of the control and event planes: naming, creation with an expiry tag, renewal,
 * listing by prefix (SQS has no fan-out: a sender sends to every queue of a kind), and sweeping,
 * which deletes the queues of owners that stopped renewing (a killed process): any process that
 * uses a kind of queue sweeps that kind now and then, so nothing outlives its owner for long.
 */
export class PlaneQueues {
  /** Queues this broker owns: never swept by it (it deletes them itself). */
  readonly owned = new Set<string>();
  private readonly listings = new Map<PlaneKind, { at: number; urls: Promise<string[]> }>();
  private readonly lastSweep = new Map<PlaneKind, number>();
  private readonly sweeps = new Set<Promise<void>>();

  constructor(private readonly options: PlaneQueuesOptions) {}

  /** The queue name of `kind` for `suffix`: illegal characters as `_`, a digest when too long. */
  name(kind: PlaneKind, suffix: string): string {
    const head = this.prefixOf(kind);
    const name = head + suffix.replace(/[^A-Za-z0-9_-]/g, '_');
    return name.length <= MAX_NAME ? name : head + createHash('sha256').update(suffix).digest('hex').slice(0, 40);
  }

  /** Create queue `name`, expiring `ttlMs` from now unless renewed. Returns its URL. */
  async create(kind: PlaneKind, name: string, ttlMs: number): Promise<string> {
    try {
      const { QueueUrl } = await this.options.client().send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: { MessageRetentionPeriod: RETENTION_SECONDS },
          tags: { [EXPIRES_TAG]: String(Date.now() + ttlMs) },
        }),
      );
      if (!QueueUrl) throw new Error('CreateQueue returned no URL');
      this.owned.add(QueueUrl);
      this.listings.delete(kind); // the next send lists again, and finds it
      return QueueUrl;
    } catch (error) {
      throw sqsError(`CreateQueue(${name})`, error);
    }
  }

  /** Push the queue's expiry to `ttlMs` from now. */
  async renew(url: string, ttlMs: number): Promise<void> {
    await this.options.client().send(new TagQueueCommand({ QueueUrl: url, Tags: { [EXPIRES_TAG]: String(Date.now() + ttlMs) } }));
  }

  /** Delete a queue this broker owns (gone already is fine). */
  async delete(url: string): Promise<void> {
    this.owned.delete(url);
    try {
      await this.options.client().send(new DeleteQueueCommand({ QueueUrl: url }));
    } catch (error) {
      if (!isQueueMissing(error)) throw sqsError(`DeleteQueue(${url})`, error);
    }
  }

  /** The URL of queue `name`, or `undefined` when it does not exist. */
  async urlOf(name: string): Promise<string | undefined> {
    try {
      return (await this.options.client().send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    } catch (error) {
      if (isQueueMissing(error)) return undefined;
      throw sqsError(`GetQueueUrl(${name})`, error);
    }
  }

  /** URLs of every queue of `kind`, from a listing at most `maxAgeMs` old. */
  list(kind: PlaneKind, maxAgeMs: number): Promise<string[]> {
    const cached = this.listings.get(kind);
    if (cached && Date.now() - cached.at <= maxAgeMs) return cached.urls;
    const urls = this.listAll(this.prefixOf(kind));
    this.listings.set(kind, { at: Date.now(), urls });
    urls.catch(() => this.listings.delete(kind));
    return urls;
  }

  /**
   * At most every half TTL: delete the expired queues of `kind` that others own. Resolves when this
   * sweep is over (at once when none is due); it never rejects (a failure is reported). A sender
   * awaits it, so it never sends to a queue the sweep is deleting that moment.
   */
  sweep(kind: PlaneKind): Promise<void> {
    const now = Date.now();
    if (now - (this.lastSweep.get(kind) ?? Number.NEGATIVE_INFINITY) < this.options.ttlMs / 2) return Promise.resolve();
    this.lastSweep.set(kind, now);
    const sweep = this.sweepNow(kind)
      .catch((error: unknown) => this.options.report(sqsError(`Sweeping expired ${PLANE_PREFIX[kind]}* queues`, error)))
      .finally(() => this.sweeps.delete(sweep));
    this.sweeps.add(sweep);
    return sweep;
  }

  /** Wait for sweeps under way (the broker is closing). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.sweeps]);
  }

  private async sweepNow(kind: PlaneKind): Promise<void> {
    const client = this.options.client();
    const urls = (await this.list(kind, 0)).filter((url) => !this.owned.has(url));
    const expired = await Promise.all(
      urls.map(async (url) => {
        const tags = await client.send(new ListQueueTagsCommand({ QueueUrl: url })).catch(() => undefined);
        const expires = Number(tags?.Tags?.[EXPIRES_TAG]);
        return Number.isFinite(expires) && expires < Date.now() ? url : undefined;
      }),
    );
    const doomed = expired.filter((url) => url !== undefined);
    await Promise.all(doomed.map((url) => client.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => {})));
    if (doomed.length > 0) this.listings.delete(kind);
  }

  /** Every queue name of `kind` starts with this: the broker's prefix as kombu maps it, then the kind's. */
  private prefixOf(kind: PlaneKind): string {
    return entityName(this.options.prefix) + PLANE_PREFIX[kind];
  }

  private async listAll(prefix: string): Promise<string[]> {
    const urls: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.options
          .client()
          .send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, ...(token ? { NextToken: token } : {}) }));
        urls.push(...(page.QueueUrls ?? []));
        token = page.NextToken;
      } while (token);
    } catch (error) {
      throw sqsError(`ListQueues(${prefix})`, error);
    }
    return urls;
  }
}
