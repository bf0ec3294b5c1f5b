import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { connect as amqpConnect } from 'amqplib';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { type ServiceName, serviceEnvVars } from './service-names.js';
import { sqsTestClientConfig } from './sqs-test-client-config.js';

const timeoutMs = 5_000;

async function pingRedis(url: string, expectClusterOk: boolean): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {}); // reported through the awaited calls below
  try {
    await redis.connect();
    await redis.ping();
    if (expectClusterOk) {
      const info = String(await redis.call('CLUSTER', 'INFO'));
      if (!info.includes('cluster_state:ok')) throw new Error(`${url}: cluster_state is not ok yet`);
    }
  } finally {
    redis.disconnect();
  }
}

async function probeAmqp(url: string): Promise<void> {
  const connection = await amqpConnect(url, { timeout: timeoutMs });
  await connection.close();
}

async function probeKafka(brokers: string): Promise<void> {
  const kafka = new Kafka({
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.controller === null || cluster.controller < 0) throw new Error('Kafka has no active controller yet');
  } finally {
    await admin.disconnect();
  }
}

async function probeSqs(endpoint: string): Promise<void> {
  const sqs = new SQSClient(sqsTestClientConfig(endpoint));
  try {
    await sqs.send(new ListQueuesCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
  } finally {
    sqs.destroy();
  }
}

/**
 * Makes one real call to `service` at the address in `env` (a ping, a connection handshake,
 * a metadata or list request). Resolves when the broker answers like it should; throws otherwise.
 */
export async function probeService(service: ServiceName, env: Record<string, string | undefined>): Promise<void> {
  const value = env[serviceEnvVars[service]];
  if (!value) throw new Error(`${serviceEnvVars[service]} is not set`);
  const call = {
    redis: () => pingRedis(value, false),
    'redis-cluster': async () => {
      for (const seed of value.split(',')) await pingRedis(seed.trim(), true);
    },
    amqp: () => probeAmqp(value),
    kafka: () => probeKafka(value),
    sqs: () => probeSqs(value),
  }[service];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${service} did not answer within ${timeoutMs} ms`)), timeoutMs * 2);
  });
  try {
    await Promise.race([call(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
