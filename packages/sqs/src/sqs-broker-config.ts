import type { ConnectionOptions } from 'node:tls';
import type { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import { ConfigurationError, type Logger } from '@tq/core';

/** Configuration of an {@link SqsBroker}. */
export interface SqsBrokerConfig {
  /**
   * Your own SQS client. tq uses it and never destroys it. Without it tq creates one from
   * `clientConfig` (and destroys it on `close()`).
   */
  client?: SQSClient;
  /**
   * How tq builds its client when `client` is not given: `endpoint`, `region`, `credentials`, ...
   * Without `credentials` the AWS SDK's default provider chain is used (environment, shared
   * files, then container or instance metadata): pass credentials explicitly for local servers.
   */
  clientConfig?: SQSClientConfig;
  /**
   * TLS settings of the client tq creates, for an https endpoint whose certificate is not from a
   * public CA (an SQS-compatible server behind your own CA): `ca` (PEM), `cert` and `key` (a client
   * certificate), `servername`, `rejectUnauthorized` (`false` skips verification: never in
   * production). URL: `tlsCaFile`, `tlsCertFile`, `tlsKeyFile` (PEM paths; they imply https). A
   * certificate that does not verify fails the first call with a `ConfigurationError` naming the
   * cause. Not with `clientConfig.requestHandler` (it makes one). Default: Node's public CAs.
   */
  tls?: ConnectionOptions;
  /**
   * Every queue is a FIFO queue (SQS name ending in `.fifo`, appended when missing): per-key
   * ordering by `orderingKey` (MessageGroupId) and deduplication by task id, but no per-message
   * delays (SQS FIFO has none). Default false: standard queues. One broker is one kind.
   */
  fifo?: boolean;
  /** Prepended to every queue name before kombu's name mapping (Celery's `queue_name_prefix`). Default `''`. */
  queueNamePrefix?: string;
  /**
   * How long a received message stays invisible before SQS redelivers it (its consumer presumed
   * dead). Whole seconds on SQS (rounded up), at most 12 h. Set on queues tq creates and on every
   * receive, so it also applies to queues created elsewhere. Default 30 minutes (Celery's 1800 s);
   * running tasks extend it (heartbeat), so it only bounds how long a crashed worker's messages wait.
   */
  visibilityTimeoutMs?: number;
  /** Per-queue visibility timeouts (tq queue name → ms), overriding `visibilityTimeoutMs`. */
  queues?: Readonly<Record<string, { visibilityTimeoutMs?: number }>>;
  /**
   * Long-polling wait of each ReceiveMessage, 0–20 s. Default 10 (kombu's). Longer means fewer
   * empty receives when idle; `close()` waits for outstanding polls (they may hold messages), so
   * it also bounds how long a graceful close can take.
   */
  waitTimeSeconds?: number;
  /** Most ReceiveMessage calls in flight per consumed queue. Default: enough for the prefetch, at most 4. */
  maxReceivesPerQueue?: number;
  /** Base64-encode the kombu envelope (kombu's `sqs_base64_encoding`, default true). */
  base64?: boolean;
  /**
   * Largest encoded task body (args, kwargs, embed) accepted; core refuses bigger ones before
   * sending. SQS carries it in the kombu envelope (the body base64: 4/3 of it, plus headers),
   * base64-encoded again with `base64`, so an SQS message is about 16/9 of the body. Default: what
   * fits SQS's 256 KiB (its long-standing limit, and what other SQS-compatible servers take) with
   * {@link ENVELOPE_HEADROOM} for the envelope's headers and tq's attributes: 141 312 (190 464
   * without `base64`). On AWS, which takes 1 MiB since August 2025, up to 583 680 (780 288).
   */
  maxMessageBytes?: number;
  /** Longest single delay (DelaySeconds), at most SQS's 15 minutes; longer countdowns hop. Default 900 000. */
  maxDelayMs?: number;
  /** Acknowledgements (DeleteMessageBatch) wait at most this long for more to share a call. Default 10 ms. */
  ackBatchWindowMs?: number;
  /** Create missing queues (and dead-letter queues) on first use, like kombu. Default true. */
  createQueues?: boolean;
  /** Dead-letter queues: `deadLetter(reason)` moves messages there, `deadLetters(queue)` reads them. */
  deadLetter?: {
    /** The dead-letter queue of SQS queue `q` is `q<suffix>` (`.fifo` kept last). Default `-dlq`. */
    queueSuffix?: string;
    /**
     * Also give queues tq creates a RedrivePolicy: SQS itself moves a message there after this many
     * receives (a message that crashes every worker). Default: none.
     */
    maxReceiveCount?: number;
  };
  /**
   * Where errors nobody awaits go (a failed receive, say: the consumer retries with backoff), with
   * the endpoint; a message repeated within a minute goes at `debug`. `sqs://` URLs get the app's
   * logger. Default `defaultLogger()`.
   */
  logger?: Logger;
  /** Messages without an `orderingKey` on a FIFO broker go to this MessageGroupId. Default: their task id (no ordering, full parallelism). */
  defaultMessageGroupId?: string;
  /**
   * Remote control and events use queues of their own (`tq-pidbox-*`, `tq-reply-*`, `tq-ev-*`,
   * ADR 0026), each tagged with an expiry its owner renews every third of this. A queue left
   * unrenewed this long (its process was killed) is deleted by the next process that uses its kind.
   * Default 60 000 (1 min: a few TagQueue calls a minute per queue); at least 1000.
   */
  planeQueueTtlMs?: number;
}

/** The config with every default filled in. */
export interface ResolvedSqsBrokerConfig {
  fifo: boolean;
  queueNamePrefix: string;
  visibilityTimeoutSeconds: number;
  queueVisibilitySeconds: ReadonlyMap<string, number>;
  waitTimeSeconds: number;
  maxReceivesPerQueue: number | undefined;
  base64: boolean;
  maxMessageBytes: number;
  /** The largest SQS message (body plus attributes) a body of `maxMessageBytes` makes. */
  maxSqsBytes: number;
  maxDelayMs: number;
  ackBatchWindowMs: number;
  createQueues: boolean;
  deadLetterSuffix: string;
  maxReceiveCount: number | undefined;
  defaultMessageGroupId: string | undefined;
  planeQueueTtlMs: number;
}

/** SQS's ceiling on visibility timeouts: 12 hours. */
export const MAX_VISIBILITY_SECONDS = 43_200;
/** SQS's ceiling on DelaySeconds: 15 minutes. */
export const MAX_DELAY_MS = 900_000;
/** SQS's message limit until August 2025, and other SQS-compatible servers' (ElasticMQ's). */
const SQS_MESSAGE_BYTES = 262_144;
/** AWS's message limit since August 2025. */
const AWS_MESSAGE_BYTES = 1_048_576;
/** Room in an SQS message for the envelope's headers and properties and tq's attributes. */
const ENVELOPE_HEADROOM = 8192;

/** The largest SQS message a body of `bodyBytes` makes: base64 in the envelope, headroom, base64 again with `base64`. */
function sqsBytesFor(bodyBytes: number, base64: boolean): number {
  const envelope = Math.ceil((bodyBytes * 4) / 3) + ENVELOPE_HEADROOM;
  return base64 ? Math.ceil((envelope * 4) / 3) : envelope;
}

/** The largest body whose SQS message fits `sqsBytes` (the inverse of {@link sqsBytesFor}). */
function bodyBytesFor(sqsBytes: number, base64: boolean): number {
  const envelope = base64 ? Math.floor((sqsBytes * 3) / 4) : sqsBytes;
  return Math.floor(((envelope - ENVELOPE_HEADROOM) * 3) / 4);
}

/** Fills in defaults and rejects impossible values with a message saying what is allowed. */
export function resolveConfig(config: SqsBrokerConfig): ResolvedSqsBrokerConfig {
  const queueVisibilitySeconds = new Map<string, number>();
  for (const [queue, options] of Object.entries(config.queues ?? {})) {
    if (options.visibilityTimeoutMs !== undefined) {
      queueVisibilitySeconds.set(queue, visibilitySeconds(`queues['${queue}'].visibilityTimeoutMs`, options.visibilityTimeoutMs));
    }
  }
  const maxReceiveCount = config.deadLetter?.maxReceiveCount;
  if (maxReceiveCount !== undefined && (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000)) {
    throw new ConfigurationError(`SqsBroker deadLetter.maxReceiveCount must be an integer 1–1000, got ${maxReceiveCount}`);
  }
  const base64 = config.base64 ?? true;
  const maxMessageBytes = integerIn(
    'maxMessageBytes',
    config.maxMessageBytes ?? bodyBytesFor(SQS_MESSAGE_BYTES, base64),
    1024,
    bodyBytesFor(AWS_MESSAGE_BYTES, base64),
  );
  return {
    fifo: config.fifo ?? false,
    queueNamePrefix: config.queueNamePrefix ?? '',
    visibilityTimeoutSeconds: visibilitySeconds('visibilityTimeoutMs', config.visibilityTimeoutMs ?? 1_800_000),
    queueVisibilitySeconds,
    waitTimeSeconds: integerIn('waitTimeSeconds', config.waitTimeSeconds ?? 10, 0, 20),
    maxReceivesPerQueue:
      config.maxReceivesPerQueue === undefined ? undefined : integerIn('maxReceivesPerQueue', config.maxReceivesPerQueue, 1, 100),
    base64,
    maxMessageBytes,
    maxSqsBytes: sqsBytesFor(maxMessageBytes, base64),
    maxDelayMs: integerIn('maxDelayMs', config.maxDelayMs ?? MAX_DELAY_MS, 1000, MAX_DELAY_MS),
    ackBatchWindowMs: integerIn('ackBatchWindowMs', config.ackBatchWindowMs ?? 10, 0, 10_000),
    createQueues: config.createQueues ?? true,
    deadLetterSuffix: config.deadLetter?.queueSuffix ?? '-dlq',
    maxReceiveCount,
    defaultMessageGroupId: config.defaultMessageGroupId,
    planeQueueTtlMs: integerIn('planeQueueTtlMs', config.planeQueueTtlMs ?? 60_000, 1000, 86_400_000),
  };
}

function visibilitySeconds(name: string, ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_VISIBILITY_SECONDS * 1000) {
    throw new ConfigurationError(
      `SqsBroker ${name} must be over 0 and at most ${MAX_VISIBILITY_SECONDS * 1000} ms (SQS allows 12 h), got ${ms}`,
    );
  }
  return Math.ceil(ms / 1000);
}

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(`SqsBroker ${name} must be an integer ${min}–${max}, got ${value}`);
  }
  return value;
}
