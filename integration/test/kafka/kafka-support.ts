import { randomUUID } from 'node:crypto';
import { KafkaBroker, type KafkaBrokerConfig, KafkajsClient, queueTopics } from '@tq/kafka';
import { brokerUrl } from '../../harness/index.js';

/**
 * The harness's Kafka (`KAFKA_BROKERS`). `brokerUrl` throws when the run does not provide it: a
 * missing broker fails these tests, it never skips them.
 */
export function kafkaSeeds(): string[] {
  return brokerUrl('kafka').split(',');
}

/** Delay tiers of the test brokers: few topics per queue keeps topic creation quick. */
export const TEST_TIERS_MS = [1000, 60_000];

/**
 * Broker settings for tests: 3 partitions per topic, two delay tiers, the broker's minimum
 * session timeout (6 s) with fast heartbeats and fetch long-polls, so group joins and rebalances
 * take a fraction of a second instead of the production defaults' seconds.
 */
export function testConfig(overrides: KafkaBrokerConfig = {}): KafkaBrokerConfig {
  return {
    brokers: kafkaSeeds(),
    partitions: 3,
    replicationFactor: 1,
    delayTiersMs: TEST_TIERS_MS,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 100,
    rebalanceTimeoutMs: 10_000,
    maxWaitMs: 100,
    visibilityTimeoutMs: 2000,
    // TQ_KAFKA_LOG_LEVEL=warn|info|debug shows kafkajs's own log.
    kafkajs: { logLevel: (process.env.TQ_KAFKA_LOG_LEVEL as 'warn' | undefined) ?? 'nothing' },
    ...overrides,
  };
}

/** A new test broker (unconnected). */
export function testBroker(overrides: KafkaBrokerConfig = {}): KafkaBroker {
  return new KafkaBroker(testConfig(overrides));
}

/** A unique queue (= topic) name. */
export function uniqueQueue(label: string): string {
  return `tq-kafka-${label}-${randomUUID().slice(0, 8)}`;
}

let admin: KafkajsClient | undefined;

/** Deletes the topics of `queues` (queue, delay tiers, dead letters); their groups' offsets go too. */
export async function deleteQueues(queues: readonly string[]): Promise<void> {
  if (queues.length === 0) return;
  if (!admin) {
    admin = new KafkajsClient({ brokers: kafkaSeeds(), clientId: 'tq-test-admin' });
    await admin.connect();
  }
  const names = queues.flatMap((queue) => {
    const topics = queueTopics(queue, TEST_TIERS_MS);
    return [topics.main, ...topics.delays.map((d) => d.topic), topics.dead];
  });
  await admin.deleteTopics(names).catch(() => {});
}
