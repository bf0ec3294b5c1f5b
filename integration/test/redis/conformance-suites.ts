import { backendConformance, brokerConformance } from '@tq/conformance';
import type { RedisBroker } from '@tq/redis';
import { Cluster, Redis } from 'ioredis';
import { backendOn, brokerOn, deleteQueues, type RedisDeployment, redisUrlOf } from './redis-test-env.js';

/** Registers the broker and backend conformance suites against one Redis deployment. */
export function redisConformance(deployment: RedisDeployment): void {
  brokerConformance({
    name: deployment,
    capabilities: brokerOn(deployment).capabilities,
    createBroker: ({ visibilityTimeoutMs }) => brokerOn(deployment, { visibilityTimeoutMs }),
    publishRaw: (broker, queue, raw) => (broker as RedisBroker).publishRaw(queue, raw),
    cleanup: (queues) => deleteQueues(deployment, queues),
  });

  backendConformance({
    name: deployment,
    capabilities: backendOn(deployment).capabilities,
    createBackend: () => backendOn(deployment),
    cleanup: async (ids) => {
      const url = redisUrlOf(deployment);
      const cluster = deployment === 'redis-cluster';
      const client = cluster ? new Cluster(clusterSeeds(url)) : new Redis(url);
      try {
        const keys = ids.flatMap((id) => {
          const chord = `celery-taskset-meta-${cluster ? `{${id}}` : id}`;
          return [`celery-task-meta-${id}`, `celery-taskset-meta-${id}`, ...['.j', '.s', '.t', '.tq'].map((s) => chord + s)];
        });
        await Promise.all(keys.map((key) => client.del(key)));
      } finally {
        client.disconnect();
      }
    },
  });
}

function clusterSeeds(url: string): { host: string; port: number }[] {
  const hosts = /^redis:\/\/([^?/]*)/.exec(url)?.[1]?.split(',') ?? [];
  return hosts.map((host) => ({ host: host.split(':')[0] as string, port: Number(host.split(':')[1]) }));
}
