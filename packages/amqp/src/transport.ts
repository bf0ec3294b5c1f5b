import { ConfigurationError, checkUrlParams, numberParam, type TransportModule } from '@tq/core';
import { AMQPLIB_PARAMS, amqpUrl, brokerConfigFromUrl } from './amqp-broker-config.js';
import { AmqpBroker } from './broker/amqp-broker.js';
import { RpcResultBackend } from './rpc/rpc-result-backend.js';

/**
 * The `@tq/amqp` transport: `amqp://` / `amqps://` brokers and the `rpc://` result backend.
 *
 * - `amqp://guest:guest@localhost:5672//` — Celery's URL form works as is (`//` = vhost `/`).
 *   Query parameters: `maxPriority`, `queueType`, `delayLevels`, `maxMessageBytes`,
 *   `publishTimeoutMs`, `visibilityTimeoutMs`, `controlExchange` (see `AmqpBrokerConfig`); for
 *   `amqps://`, RabbitMQ's TLS names `cacertfile`, `certfile`, `keyfile`, `verify`,
 *   `server_name_indication`; the rest (`heartbeat`, `frameMax`, ...) go to amqplib.
 * - `rpc://guest:guest@localhost:5672//` — results as messages on that RabbitMQ; `?expiresMs=`,
 *   `?persistent=true`. A bare `rpc://` (Celery's "use the broker") needs the broker's address,
 *   which core does not hand to backends yet, so it is refused with an explanation.
 */
export const transport: TransportModule = {
  schemes: ['amqp', 'amqps', 'rpc'],
  createBroker(url, { logger }) {
    if (url.protocol === 'rpc:') throw new ConfigurationError("'rpc://' is a result backend only; use amqp:// for the broker.");
    return new AmqpBroker({ ...brokerConfigFromUrl(url), logger });
  },
  createResultBackend(url, { logger }) {
    if (url.protocol !== 'rpc:') {
      throw new ConfigurationError(
        `'${url.protocol}//' is a broker; the RabbitMQ result backend is rpc:// (e.g. rpc://guest:guest@localhost:5672//).`,
      );
    }
    if (url.hostname === '') {
      throw new ConfigurationError(
        "A bare 'rpc://' would reuse the broker's connection, which tq cannot reach yet; give the RabbitMQ address: rpc://user:pass@host:5672/vhost.",
      );
    }
    checkUrlParams(url, ['expiresMs', 'persistent', ...AMQPLIB_PARAMS]);
    const rest = new URL(url.href);
    const expiresMs = numberParam(rest, 'expiresMs');
    const persistent = rest.searchParams.get('persistent');
    rest.searchParams.delete('expiresMs');
    rest.searchParams.delete('persistent');
    return new RpcResultBackend({ url: amqpUrl(rest), expiresMs, persistent: persistent === 'true' || persistent === '1', logger });
  },
};
