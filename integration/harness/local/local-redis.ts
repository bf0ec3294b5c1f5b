import { ensureAptPackages } from '../ensure-apt-packages.js';
import { freePort } from '../free-port.js';
import type { ManagedProcess } from '../managed-process.js';
import { stopProcessGroup } from '../process-group.js';
import { runCommand } from '../run-command.js';
import type { RunningService, StartContext } from '../running-service.js';
import { testCaEnv } from '../test-certificates.js';
import { redisServerProcess } from './redis-server-process.js';

/** Version line of a redis-server binary, e.g. `redis-server 7.0.15`. */
export async function redisVersion(binary: string): Promise<string> {
  const output = await runCommand(binary, ['--version']);
  return `redis-server ${/v=(\S+)/.exec(output)?.[1] ?? '?'}`;
}

/**
 * A private redis-server (Debian's `redis-server`, installed when missing, built with TLS) on a
 * free loopback port, plus a TLS port with the run's test certificates.
 */
export async function localRedis(context: StartContext): Promise<RunningService> {
  const [binary, certificates] = await Promise.all([
    ensureAptPackages('redis-server', ['redis-server', 'redis-tools']),
    context.certificates(),
  ]);
  const { cert, key, ca } = certificates;
  const config = { binary, port: await freePort(), dir: context.dir, tls: { port: await freePort(), cert, key, ca } };
  let child: ManagedProcess | undefined;
  const start = async () => {
    const server = redisServerProcess(config);
    child = server.child;
    await server.ready;
  };
  await start();
  return {
    name: 'redis',
    mode: 'local',
    description: await redisVersion(binary),
    env: {
      REDIS_URL: `redis://127.0.0.1:${config.port}`,
      REDIS_TLS_URL: `rediss://127.0.0.1:${config.tls.port}`,
      ...testCaEnv(certificates),
    },
    processes: () => (child ? [{ pid: child.pid, group: true, command: binary }] : []),
    async restart() {
      if (child) await stopProcessGroup(child.pid);
      await start();
    },
    async stop() {
      if (child) await stopProcessGroup(child.pid);
      child = undefined;
    },
    detach: () => child?.detach(),
  };
}
