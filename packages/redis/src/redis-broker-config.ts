import type { RedisConnectionConfig } from './redis-connection.js';

/** Configuration of a {@link RedisBroker}. Every option can also be given in the URL's query string. */
export interface RedisBrokerConfig extends RedisConnectionConfig {
  /** Prepended to every key and channel, like kombu's `global_keyprefix`. Default none. */
  keyPrefix?: string;
  /**
   * How long a claimed message stays invisible without a heartbeat before it goes back to its
   * queue (its consumer is presumed dead). tq's runtime extends every held message every third of
   * it, so this bounds crash recovery, not task length. Default 60 s; raise it if tasks block the
   * event loop for longer.
   */
  visibilityTimeoutMs?: number;
  /**
   * Largest encoded body (args, kwargs, embed) accepted; core refuses bigger ones before sending.
   * Default 16 MiB. The stored kombu envelope is about 4/3 of it (base64) plus the headers, so stay
   * well under Redis' 512 MB string limit (`proto-max-bulk-len`).
   */
  maxMessageBytes?: number;
  /**
   * How often an idle consumer looks again without being rung: messages pushed by producers that
   * do not ring tq's doorbell (Python Celery) and deliveries of dead consumers are picked up within
   * this. Also the stall-watchdog tick. Default 1000 ms (kombu's BRPOP timeout).
   */
  pollIntervalMs?: number;
  /** Most messages one claim takes (bounded by free prefetch). Default 200. */
  claimBatchSize?: number;
  /** Dead letters kept per queue (oldest dropped first). Default 10 000. */
  deadLetterLimit?: number;
  /**
   * Where a delayed message (countdown, eta, retry backoff) waits until it is due.
   *
   * - `'sorted-set'` (default): in tq's `_tq.<queue>.delayed`, on the Redis clock, promoted by the
   *   claims of tq consumers of the queue. Nothing waits in a worker: no memory held, no prefetch
   *   taken, and kombu's redelivery of an eta beyond its visibility timeout (kombu#337) cannot
   *   happen. Python Celery workers never promote it, so they never see the message.
   * - `'eta-header'`: on the queue's list at once, with its `eta` header, as Celery sends it over
   *   kombu: for queues Python Celery workers consume. The worker that takes it holds it until due:
   *   a Celery worker unacked, in memory (set Celery's `visibility_timeout` above the longest delay,
   *   or it runs twice); a tq worker puts it back into the sorted set with the remaining delay.
   *
   * `capabilities.delay.emulated` is true with `'eta-header'`: workers do the waiting, not Redis.
   */
  delays?: 'sorted-set' | 'eta-header';
}
