import type { ConnectionOptions } from 'node:tls';
import type { Logger } from '@tq/core';
import type { KafkaClient } from './client/kafka-client.js';
import type { KafkajsClientOptions } from './client/kafkajs-client.js';

/** Configuration of a {@link KafkaBroker}. Every duration is in ms. */
export interface KafkaBrokerConfig {
  /** `host:port` seeds (ignored when `client` is given). Default `['127.0.0.1:9092']`. */
  brokers?: readonly string[];
  /** Your own client (kafkajs or another library behind {@link KafkaClient}); tq never disconnects it. */
  client?: KafkaClient;
  /** Passed to the kafkajs client tq creates (clientId, logLevel, sasl, ...). */
  kafkajs?: Omit<KafkajsClientOptions, 'brokers' | 'logger'>;
  /**
   * Connect to the brokers' TLS (SSL) listener: `ca` (PEM of the CA that signed their
   * certificates, when it is not a public one), `cert` and `key` (a client certificate, for
   * `ssl.client.auth=required`), `servername`, `rejectUnauthorized` (`false` skips verification:
   * never in production); `{}` is TLS with Node's public CAs. URL: `?tls=true`, `tlsCaFile`,
   * `tlsCertFile`, `tlsKeyFile`. A certificate that does not verify fails `connect()` at once with
   * a `ConfigurationError` naming the cause. Default: plain text (as `kafkajs.tls`).
   */
  tls?: ConnectionOptions;
  /**
   * Where consumer errors, reconnects and kafkajs's own warnings go (with the seed brokers' host:port).
   * `kafka://` URLs get the app's logger. Default `defaultLogger()`.
   */
  logger?: Logger;
  /** Consumer group of a queue: `groupPrefix + queue`. Default `tq.`. */
  groupPrefix?: string;
  /** Partitions of the topics tq creates (queue, delay tiers, dead letters). Default 6. */
  partitions?: number;
  /** Replication factor of the topics tq creates. Default -1: the broker's `default.replication.factor`. */
  replicationFactor?: number;
  /**
   * Delay tiers: one topic per tier and queue; a delay goes to the smallest tier at least as long.
   * The last one is `capabilities.delay.maxDelayMs` (core re-publishes longer delays in hops).
   * Default `[1 s, 1 min, 1 h]`.
   */
  delayTiersMs?: readonly number[];
  /**
   * How long a closed subscription keeps its partitions while deliveries it handed out are still
   * unsettled (a warm worker shutdown finishing its tasks). Past it the partitions go back to the
   * group and the unsettled messages are redelivered. Default 60 s (above the worker's 30 s grace).
   */
  visibilityTimeoutMs?: number;
  /** A crashed worker's partitions move after this much silence (`session.timeout.ms`). Default 30 s. */
  sessionTimeoutMs?: number;
  /** Default 3 s (a tenth of the session timeout or less). */
  heartbeatIntervalMs?: number;
  /** How long a rebalance waits for members to rejoin. Default 60 s. */
  rebalanceTimeoutMs?: number;
  /** Fetch long-poll; also how late a resumed partition can start fetching again. Default 250. */
  maxWaitMs?: number;
  /**
   * Records a partition may hold between its committed offset and the newest fetched one (running,
   * waiting, or done but behind an unfinished one). At this many the partition pauses. Default 1000.
   */
  maxUncommitted?: number;
  /**
   * Largest encoded task body (args, kwargs, embed) accepted; core refuses bigger ones before
   * sending. A record is the kombu envelope around it (the body base64: 4/3 of it, plus headers):
   * tq creates its topics with `max.message.bytes` and fetches with room for that. Default 750,000,
   * whose records fit Kafka's default 1 MiB `message.max.bytes` (topics made elsewhere).
   */
  maxMessageBytes?: number;
}

/** The config with every default applied. */
export type ResolvedKafkaBrokerConfig = Required<Omit<KafkaBrokerConfig, 'client' | 'kafkajs' | 'tls'>> &
  Pick<KafkaBrokerConfig, 'client' | 'kafkajs' | 'tls'>;

/** The largest record a body of `maxMessageBytes` makes: its base64 in the envelope, plus 64 KiB for headers. */
export function maxRecordBytes(maxMessageBytes: number): number {
  return Math.ceil((maxMessageBytes * 4) / 3) + 65_536;
}
