import type { ConnectionOptions } from 'node:tls';
import { checkUrlParams, type Logger, numberParam } from '@tq/core';
import type { ChannelModel } from 'amqplib';
import { AMQP_TLS_PARAMS } from './amqp-tls-options.js';

/** Configuration of an {@link AmqpBroker}. Give `url` or `connection`. */
export interface AmqpBrokerConfig {
  /** `amqp://user:pass@host:5672/vhost` (`//` at the end is vhost `/`, as in Celery), or `amqps://`. */
  url?: string;
  /** Your own amqplib connection (`await amqplib.connect(...)`). tq never closes it, and cannot redial it. */
  connection?: ChannelModel;
  /**
   * TLS settings for an `amqps://` `url` (amqplib's socket options): `ca` (PEM of the CA that
   * signed the server's certificate, when it is not a public one), `cert` and `key` (a client
   * certificate, for servers with `fail_if_no_peer_cert`), `servername`, `rejectUnauthorized`
   * (`false` skips verification: never in production). Wins over the URL's `cacertfile`,
   * `certfile`, `keyfile`, `verify` and `server_name_indication` (RabbitMQ's URI names). Default:
   * the URL's, else Node's public CAs and full verification.
   */
  tls?: ConnectionOptions;
  /**
   * `classic` (default, what Celery declares) or `quorum` (`x-queue-type: quorum`, replicated).
   * Quorum queues on RabbitMQ 3.10 have no priorities, so `capabilities.priority` is false.
   */
  queueType?: 'classic' | 'quorum';
  /**
   * Declare task queues with `x-max-priority` (Celery's `task_queue_max_priority`); tq priorities
   * 0–9 then run highest first. Default: none, like Celery — so a queue a default Python Celery
   * declared is compatible. Both sides must agree: RabbitMQ refuses a redeclaration that differs.
   */
  maxPriority?: number;
  /** More arguments for task queues (e.g. `x-queue-mode`), exactly as the Python side declares them. */
  queueArguments?: Record<string, unknown>;
  /** Levels of the delay ladder; the longest single delay is 2^levels - 1 ms. Default 32 (about 49 days). */
  delayLevels?: number;
  /**
   * Largest encoded body (args, kwargs, embed) accepted; core refuses bigger ones before sending.
   * AMQP sends headers and properties in their own frame, so the body may take all of it.
   * Default 16 MiB (RabbitMQ 3.10 allows up to 128 MiB: raise it there first).
   */
  maxMessageBytes?: number;
  /** How long a publish may wait for a (re)connection and its confirm before failing. Default 30 s. */
  publishTimeoutMs?: number;
  /**
   * After a subscription closes, how long the deliveries it handed out stay settleable before
   * their channel closes and RabbitMQ requeues what is unsettled. Default 30 minutes. (While the
   * subscription runs, only a dead connection or RabbitMQ's `consumer_timeout` requeues.)
   */
  visibilityTimeoutMs?: number;
  /** Fanout exchange of control broadcasts. Default `celery.pidbox`, so revokes reach Python workers too. */
  controlExchange?: string;
  /** Where connection loss, reconnects and server-closed channels are reported (the app's logger). Default: `defaultLogger()`. */
  logger?: Logger;
}

/** Query parameters tq reads from an `amqp://` URL (the rest go to amqplib: `heartbeat`, `frameMax`, ...). */
const NUMBER_PARAMS = ['maxPriority', 'delayLevels', 'maxMessageBytes', 'publishTimeoutMs', 'visibilityTimeoutMs'] as const;
const STRING_PARAMS = ['queueType', 'controlExchange'] as const;
/** What amqplib itself reads from the URL. */
export const AMQPLIB_PARAMS = ['heartbeat', 'frameMax', 'channelMax', 'locale'];

/** Broker config from a URL: tq's query parameters taken out, the rest left for amqplib. */
export function brokerConfigFromUrl(url: URL): AmqpBrokerConfig {
  checkUrlParams(url, [...NUMBER_PARAMS, ...STRING_PARAMS, ...AMQPLIB_PARAMS, ...AMQP_TLS_PARAMS]);
  const config: AmqpBrokerConfig = {};
  const rest = new URL(url.href);
  for (const key of NUMBER_PARAMS) {
    const value = numberParam(rest, key);
    if (value === undefined) continue;
    config[key] = value;
    rest.searchParams.delete(key);
  }
  for (const key of STRING_PARAMS) {
    const value = rest.searchParams.get(key);
    if (value === null) continue;
    (config as Record<string, unknown>)[key] = value;
    rest.searchParams.delete(key);
  }
  config.url = amqpUrl(rest);
  return config;
}

/** The URL amqplib dials: same address, scheme `amqp`/`amqps` (an `rpc://` URL names the same broker). */
export function amqpUrl(url: URL): string {
  const scheme = url.protocol === 'amqps:' ? 'amqps:' : 'amqp:';
  return `${scheme}${url.href.slice(url.protocol.length)}`;
}
