import type { SQSClientConfig } from '@aws-sdk/client-sqs';
import { ConfigurationError, checkUrlParams, numberParam, readTlsFiles, type TransportModule } from '@tq/core';
import { SqsBroker } from './sqs-broker.js';
import type { SqsBrokerConfig } from './sqs-broker-config.js';

/**
 * The `sqs://` transport (a broker only: SQS is no result backend; pair it with `redis://`).
 *
 * - `sqs://` — AWS, with the SDK's default credential chain and region (`AWS_REGION`, ...).
 * - `sqs://?region=eu-west-1` — AWS in that region.
 * - `sqs://KEY:SECRET@127.0.0.1:9324?region=us-east-1` — an SQS-compatible server at
 *   `http://127.0.0.1:9324` (https with `?tls=true`, and for `*.amazonaws.com` hosts) with explicit
 *   credentials (URL-encode the secret). Without them the default chain is used. A private CA
 *   (and client certificate) for https: `tlsCaFile` (`tlsCertFile`, `tlsKeyFile`), PEM paths.
 *
 * Query parameters: `region`, `fifo=true`, `queueNamePrefix`, `visibilityTimeout` (seconds, as
 * kombu) or `visibilityTimeoutMs`, `waitTimeSeconds`, `maxMessageBytes`, `maxReceiveCount`
 * (adds a RedrivePolicy), `deadLetterSuffix`, `base64=false`, `createQueues=false`.
 */
export const sqsTransport: TransportModule = {
  schemes: ['sqs'],
  createBroker: (url, { logger }) => new SqsBroker({ ...sqsConfigFromUrl(url), logger }),
};

/** The broker configuration an `sqs://` URL stands for. */
export function sqsConfigFromUrl(url: URL): SqsBrokerConfig {
  checkUrlParams(url, [
    'region',
    'tls',
    'fifo',
    'queueNamePrefix',
    'visibilityTimeout',
    'visibilityTimeoutMs',
    'waitTimeSeconds',
    'maxMessageBytes',
    'maxReceiveCount',
    'deadLetterSuffix',
    'base64',
    'createQueues',
    'tlsCaFile',
    'tlsCertFile',
    'tlsKeyFile',
  ]);
  const tlsOptions = readTlsFiles(url, { ca: 'tlsCaFile', cert: 'tlsCertFile', key: 'tlsKeyFile' });
  const params = url.searchParams;
  const clientConfig: SQSClientConfig = {};
  const region = params.get('region');
  if (region) clientConfig.region = region;
  if (url.hostname) {
    const tls = params.get('tls') === 'true' || url.hostname.endsWith('.amazonaws.com') || Object.keys(tlsOptions).length > 0;
    clientConfig.endpoint = `${tls ? 'https' : 'http'}://${url.host}${url.pathname === '/' ? '' : url.pathname}`;
    // An SQS-compatible server needs some region to sign with; AWS endpoints imply theirs.
    clientConfig.region ??= 'us-east-1';
  }
  if (url.username) {
    if (!url.password) throw new ConfigurationError('sqs:// URL: credentials need both parts, sqs://ACCESS_KEY_ID:SECRET_ACCESS_KEY@host');
    clientConfig.credentials = { accessKeyId: decodeURIComponent(url.username), secretAccessKey: decodeURIComponent(url.password) };
  }
  const config: SqsBrokerConfig = { clientConfig, ...(Object.keys(tlsOptions).length > 0 ? { tls: tlsOptions } : {}) };
  const visibilitySeconds = numberParam(url, 'visibilityTimeout');
  const deadLetterSuffix = params.get('deadLetterSuffix');
  const maxReceiveCount = numberParam(url, 'maxReceiveCount');
  if (params.has('fifo')) config.fifo = bool(params, 'fifo');
  if (params.has('queueNamePrefix')) config.queueNamePrefix = params.get('queueNamePrefix') ?? '';
  if (visibilitySeconds !== undefined) config.visibilityTimeoutMs = visibilitySeconds * 1000;
  const visibilityMs = numberParam(url, 'visibilityTimeoutMs');
  if (visibilityMs !== undefined) config.visibilityTimeoutMs = visibilityMs;
  config.waitTimeSeconds = numberParam(url, 'waitTimeSeconds');
  config.maxMessageBytes = numberParam(url, 'maxMessageBytes');
  if (params.has('base64')) config.base64 = bool(params, 'base64');
  if (params.has('createQueues')) config.createQueues = bool(params, 'createQueues');
  if (deadLetterSuffix !== null || maxReceiveCount !== undefined) {
    config.deadLetter = { ...(deadLetterSuffix !== null ? { queueSuffix: deadLetterSuffix } : {}), maxReceiveCount };
  }
  return config;
}

function bool(params: URLSearchParams, key: string): boolean {
  const value = params.get(key);
  if (value === '' || value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigurationError(`sqs:// URL: ${key} must be true or false, got '${value}'`);
}
