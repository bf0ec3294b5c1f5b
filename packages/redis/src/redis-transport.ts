import { checkUrlParams, numberParam, type TransportModule } from '@tq/core';
import { RedisBroker } from './redis-broker.js';
import type { RedisBrokerConfig } from './redis-broker-config.js';
import { RedisResultBackend } from './redis-result-backend.js';
import { TLS_PARAMS } from './redis-tls-options.js';

/**
 * `redis://` and `rediss://` for `createApp({ broker, backend })`. Options ride in the query
 * string: broker `keyPrefix`, `visibilityTimeoutMs`, `maxMessageBytes`, `pollIntervalMs`,
 * `claimBatchSize`, `deadLetterLimit`, `delays` (`sorted-set` or `eta-header`); backend
 * `keyPrefix`, `expiresMs`; both `cluster=true` (more seeds with `nodes=h2:p2,h3:p3`) and, for
 * `rediss://`, `ssl_ca_certs`, `ssl_certfile`, `ssl_keyfile`, `ssl_cert_reqs` (as in Celery).
 * Both log through the app's logger (`context.logger`).
 */
/** Where the cluster is (read by `parseRedisUrl`) and how TLS verifies (`rediss://`): for both. */
const CONNECTION_PARAMS = ['cluster', 'nodes', ...TLS_PARAMS];
const BROKER_PARAMS = [
  ...CONNECTION_PARAMS,
  'keyPrefix',
  'visibilityTimeoutMs',
  'maxMessageBytes',
  'pollIntervalMs',
  'claimBatchSize',
  'deadLetterLimit',
  'delays',
];
const BACKEND_PARAMS = [...CONNECTION_PARAMS, 'keyPrefix', 'expiresMs'];

export const transport: TransportModule = {
  schemes: ['redis', 'rediss'],
  createBroker: (url, { logger }) => {
    checkUrlParams(url, BROKER_PARAMS);
    return new RedisBroker({
      url,
      logger,
      keyPrefix: url.searchParams.get('keyPrefix') ?? undefined,
      visibilityTimeoutMs: numberParam(url, 'visibilityTimeoutMs'),
      maxMessageBytes: numberParam(url, 'maxMessageBytes'),
      pollIntervalMs: numberParam(url, 'pollIntervalMs'),
      claimBatchSize: numberParam(url, 'claimBatchSize'),
      deadLetterLimit: numberParam(url, 'deadLetterLimit'),
      // Checked by the broker, which names both values it takes.
      delays: (url.searchParams.get('delays') ?? undefined) as RedisBrokerConfig['delays'],
    });
  },
  createResultBackend: (url, { logger }) => {
    checkUrlParams(url, BACKEND_PARAMS);
    return new RedisResultBackend({
      url,
      logger,
      keyPrefix: url.searchParams.get('keyPrefix') ?? undefined,
      expiresMs: numberParam(url, 'expiresMs'),
    });
  },
};
