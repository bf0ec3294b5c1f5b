import type { ConnectionOptions } from 'node:tls';
import { ConfigurationError, checkUrlParams, numberParam, readTlsFiles, type TransportModule } from '@tq/core';
import { KafkaBroker } from './kafka-broker.js';
import type { KafkaBrokerConfig } from './kafka-broker-config.js';

const NUMBER_PARAMS = [
  'partitions',
  'replicationFactor',
  'visibilityTimeoutMs',
  'sessionTimeoutMs',
  'heartbeatIntervalMs',
  'rebalanceTimeoutMs',
  'maxWaitMs',
  'maxUncommitted',
  'maxMessageBytes',
] as const;

/**
 * `kafka://host:port[?brokers=host2:port,host3:port&partitions=6&groupPrefix=tq.&delayTiersMs=1000,60000]`
 * → a {@link KafkaBrokerConfig}. Extra seed brokers go in `brokers` (a URL has one host). TLS:
 * `tls=true`, with `tlsCaFile`, `tlsCertFile`, `tlsKeyFile` (PEM paths; any of them implies TLS).
 */
export function parseKafkaUrl(url: URL): KafkaBrokerConfig {
  checkUrlParams(url, [...NUMBER_PARAMS, 'brokers', 'groupPrefix', 'delayTiersMs', 'clientId', ...TLS_PARAMS]);
  const seeds = url.host ? [url.host] : [];
  const params = url.searchParams;
  for (const extra of (params.get('brokers') ?? '').split(',')) if (extra) seeds.push(extra);
  const config: KafkaBrokerConfig = { brokers: seeds.length > 0 ? seeds : ['127.0.0.1:9092'] };
  for (const name of NUMBER_PARAMS) {
    const value = numberParam(url, name);
    if (value !== undefined) config[name] = value;
  }
  const prefix = params.get('groupPrefix');
  if (prefix !== null) config.groupPrefix = prefix;
  const tiers = params.get('delayTiersMs');
  if (tiers !== null) config.delayTiersMs = tiers.split(',').map(Number);
  const clientId = params.get('clientId');
  if (clientId !== null) config.kafkajs = { clientId };
  const tls = tlsOf(url);
  if (tls) config.tls = tls;
  return config;
}

/** `tls=true` turns TLS on; the files are PEM paths (CA, client certificate and key) and imply it. */
const TLS_PARAMS = ['tls', 'tlsCaFile', 'tlsCertFile', 'tlsKeyFile'];

function tlsOf(url: URL): ConnectionOptions | undefined {
  const flag = url.searchParams.get('tls');
  if (flag !== null && !['true', 'false', '1', '0'].includes(flag)) {
    throw new ConfigurationError(`kafka:// URL parameter tls must be true or false, got '${flag}'`);
  }
  const files = readTlsFiles(url, { ca: 'tlsCaFile', cert: 'tlsCertFile', key: 'tlsKeyFile' });
  const given = Object.keys(files).length;
  if (flag === 'false' || flag === '0') {
    if (given > 0) throw new ConfigurationError('kafka:// URL: tlsCaFile, tlsCertFile and tlsKeyFile need TLS; drop tls=false');
    return undefined;
  }
  if (flag === null && given === 0) return undefined;
  return files;
}

/** `kafka://` for `createApp({ broker })`. Kafka is a broker only: results go to redis:// or memory://. */
export const kafkaTransport: TransportModule = {
  schemes: ['kafka'],
  createBroker: (url, { logger }) => new KafkaBroker({ ...parseKafkaUrl(url), logger }),
};
