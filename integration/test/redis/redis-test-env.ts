import { RedisBroker, type RedisBrokerConfig, RedisResultBackend } from '@tq/redis';
import { brokerUrl } from '../../harness/index.js';

/** The two Redis deployments every Redis test runs on. */
export type RedisDeployment = 'redis' | 'redis-cluster';

/** A URL @tq/redis accepts for the harness's deployment (a cluster as comma-separated seeds). */
export function redisUrlOf(deployment: RedisDeployment): string {
  if (deployment === 'redis') return brokerUrl('redis');
  const seeds = brokerUrl('redis-cluster').split(',');
  const hosts = seeds.map((seed) => new URL(seed).host);
  return `redis://${hosts.join(',')}?cluster=true`;
}

/** A broker on the deployment (not connected). */
export function brokerOn(deployment: RedisDeployment, config: RedisBrokerConfig = {}): RedisBroker {
  return new RedisBroker({ url: redisUrlOf(deployment), ...config });
}

/** A result backend on the deployment (not connected). */
export function backendOn(deployment: RedisDeployment): RedisResultBackend {
  return new RedisResultBackend({ url: redisUrlOf(deployment) });
}

/** Delete the keys of queues a test used. */
export async function deleteQueues(deployment: RedisDeployment, queues: readonly string[]): Promise<void> {
  const broker = brokerOn(deployment);
  await broker.connect();
  try {
    await Promise.all(queues.map((queue) => broker.deleteQueue(queue)));
  } finally {
    await broker.close();
  }
}
