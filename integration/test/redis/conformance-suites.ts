import { transportConformance } from '@tq/conformance';
import type { RedisBroker } from '@tq/redis';
import { Cluster, Redis } from 'ioredis';
import { backendOn, brokerOn, deleteQueues, type RedisDeployment, redisUrlOf } from './redis-test-env.js';

/** Registers every conformance suite (broker, backend, lifecycle, task) against one Redis deployment; the restart suite is in `<deployment>.restart.alone.test.ts`. */
export function redisConformance(deployment: RedisDeployment): void {
  transportConformance({
    name: deployment,
    createBroker: ({ visibilityTimeoutMs }) => brokerOn(deployment, { visibilityTimeoutMs }),
    createBackend: () => backendOn(deployment),
    publishRaw: (broker, queue, raw) => (broker as RedisBroker).publishRaw(queue, raw),
    cleanup: (queues) => deleteQueues(deployment, queues),
    cleanupResults: async (ids) => {
      const url = redisUrlOf(deployment);
      const cluster = deployment === 'redis-cluster';
      const client = cluster ? new Cluster(clusterSeeds(url)) : new Redis(url);
      try {
        const keys = ids.flatMap((id) => {
          const chord = `celery-taskset-meta-${cluster ? `{${id}}` : id}`;
          return [`celery-task-meta-${id}`, `celery-taskset-meta-${id}`, ...['.j', '.s', '.t', '.d', '.c'].map((s) => chord + s)];
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
