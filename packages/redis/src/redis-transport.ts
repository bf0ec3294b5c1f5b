import { checkUrlParams, numberParam, type TransportModule } from '@tq/core';
import { RedisBroker } from './redis-broker.js';
import { RedisResultBackend } from './redis-result-backend.js';

/**
 * `redis://` and `rediss://` for `createApp({ broker, backend })`. Options ride in the query
 * string: broker `keyPrefix`, `visibilityTimeoutMs`, `maxMessageBytes`, `pollIntervalMs`,
 * `claimBatchSize`, `deadLetterLimit`; backend `keyPrefix`, `expiresMs`; both `cluster=true`
 * (more seeds with `nodes=h2:p2,h3:p3`). Both log through the app's logger (`context.logger`).
 */
/** Where the cluster is: read by `parseRedisUrl` for both. */
const CLUSTER_PARAMS = ['cluster', 'nodes'];
const BROKER_PARAMS = [
  ...CLUSTER_PARAMS,
  'keyPrefix',
  'visibilityTimeoutMs',
  'maxMessageBytes',
  'pollIntervalMs',
  'claimBatchSize',
  'deadLetterLimit',
];
const BACKEND_PARAMS = [...CLUSTER_PARAMS, 'keyPrefix', 'expiresMs'];

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
