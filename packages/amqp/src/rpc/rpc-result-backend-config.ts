import type { ConnectionOptions } from 'node:tls';
import type { Logger } from '@tq/core';
import type { ChannelModel } from 'amqplib';

/** Configuration of an {@link RpcResultBackend}. Give `url` or `connection`. */
export interface RpcResultBackendConfig {
  /** The RabbitMQ to use: `amqp://user:pass@host:5672/vhost` (an `rpc://` URL with a host means the same). */
  url?: string;
  /** Your own amqplib connection; tq never closes it. */
  connection?: ChannelModel;
  /** TLS settings for an `amqps://` `url` (`ca`, `cert`, `key`, `servername`, ...), as `AmqpBrokerConfig.tls`. Default none. */
  tls?: ConnectionOptions;
  /**
   * This process's reply queue: the `reply_to` its task messages carry (Celery's oid). Must be
   * the app's `replyTo`; `connect({ replyTo })` sets it when the app connects the backend.
   * Default: a fresh uuid.
   */
  replyTo?: string;
  /** `x-expires` of the reply queue: it goes away this long after its last use. Default 1 day (Celery's `result_expires`). */
  expiresMs?: number;
  /** Send replies persistent (`delivery_mode` 2, Celery's `result_persistent`). Default false, like Celery. */
  persistent?: boolean;
  /** How many task records the client keeps. Default 10 000; the oldest are dropped first. */
  cacheSize?: number;
  /** How long a publish may wait for a (re)connection and its confirm. Default 30 s. */
  publishTimeoutMs?: number;
  /** Where connection loss, reconnects and server-closed channels are reported (the app's logger). Default: `defaultLogger()`. */
  logger?: Logger;
}
