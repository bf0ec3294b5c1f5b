import { ensureAptPackages } from '../ensure-apt-packages.js';
import { freePort } from '../free-port.js';
import type { ManagedProcess } from '../managed-process.js';
import { probeService } from '../probe-service.js';
import { stopProcessGroup } from '../process-group.js';
import { runCommand } from '../run-command.js';
import type { RunningService, StartContext } from '../running-service.js';
import { waitUntil } from '../wait-until.js';
import { redisVersion } from './local-redis.js';
import { type RedisServerConfig, redisServerProcess } from './redis-server-process.js';

const nodeCount = 3;

/**
 * A 3-master Redis Cluster (no replicas) of private redis-server processes on free loopback
 * ports, created with `redis-cli --cluster create`. A restart bounces every node on the
 * same ports; nodes.conf is kept, so they re-form the same cluster.
 */
export async function localRedisCluster(context: StartContext): Promise<RunningService> {
  const binary = await ensureAptPackages('redis-server', ['redis-server', 'redis-tools']);
  const cli = await ensureAptPackages('redis-cli', ['redis-tools']);
  const configs: RedisServerConfig[] = [];
  for (let index = 0; index < nodeCount; index++) {
    configs.push({ binary, port: await freePort(), clusterBusPort: await freePort(), dir: `${context.dir}/node-${index}` });
  }
  const urls = configs.map((config) => `redis://127.0.0.1:${config.port}`).join(',');
  const waitForClusterOk = () =>
    waitUntil(() => probeService('redis-cluster', { REDIS_CLUSTER_URLS: urls }), {
      what: 'cluster_state:ok on every node',
      timeoutMs: 60_000,
      intervalMs: 200,
    });

  let children: ManagedProcess[] = [];
  // Spawn all before awaiting any, so a failing node never hides the pids of the others.
  const startAll = async () => {
    const servers = configs.map(redisServerProcess);
    children = servers.map((server) => server.child);
    await Promise.all(servers.map((server) => server.ready));
  };
  await startAll();
  await runCommand(cli, [
    '--cluster',
    'create',
    ...configs.map((config) => `127.0.0.1:${config.port}`),
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  await waitForClusterOk();

  const stopAll = async () => {
    await Promise.all(children.map((child) => stopProcessGroup(child.pid)));
    children = [];
  };
  return {
    name: 'redis-cluster',
    mode: 'local',
    description: `${nodeCount} × ${await redisVersion(binary)}`,
    env: { REDIS_CLUSTER_URLS: urls },
    processes: () => children.map((child) => ({ pid: child.pid, group: true, command: binary })),
    async restart() {
      await stopAll();
      await startAll();
      await waitForClusterOk();
    },
    stop: stopAll,
    detach: () => {
      for (const child of children) child.detach();
    },
  };
}
