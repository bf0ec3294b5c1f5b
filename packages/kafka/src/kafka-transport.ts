import { checkUrlParams, numberParam, type TransportModule } from '@tq/core';
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
 * → a {@link KafkaBrokerConfig}. Extra seed brokers go in `brokers` (a URL has one host).
 */
export function parseKafkaUrl(url: URL): KafkaBrokerConfig {
  checkUrlParams(url, [...NUMBER_PARAMS, 'brokers', 'groupPrefix', 'delayTiersMs', 'clientId']);
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
  return config;
}

/** `kafka://` for `createApp({ broker })`. Kafka is a broker only: results go to redis:// or memory://. */
export const kafkaTransport: TransportModule = {
  schemes: ['kafka'],
  createBroker: (url, { logger }) => new KafkaBroker({ ...parseKafkaUrl(url), logger }),
};
