import { mkdirSync } from 'node:fs';
import { type ManagedProcess, spawnManaged } from '../managed-process.js';
import { probeService } from '../probe-service.js';
import { waitUntil } from '../wait-until.js';

/** One redis-server on 127.0.0.1. */
export interface RedisServerConfig {
  binary: string;
  port: number;
  /** Data (AOF, nodes.conf) and log; kept across restarts. */
  dir: string;
  /** Set for a cluster node: its cluster bus port (chosen free, not port+10000). */
  clusterBusPort?: number;
  /** Also listen with TLS on this port (client certificates optional), with these PEM files. */
  tls?: { port: number; cert: string; key: string; ca: string };
}

/**
 * Starts redis-server in the foreground (so we own its pid); await `ready` for PING.
 * AOF is on so a graceful restart (SIGTERM flushes it) keeps the data, like a real deployment.
 */
export function redisServerProcess(config: RedisServerConfig): { child: ManagedProcess; ready: Promise<void> } {
  mkdirSync(config.dir, { recursive: true });
  const cluster = config.clusterBusPort
    ? [
        '--cluster-enabled',
        'yes',
        '--cluster-port',
        String(config.clusterBusPort),
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        '2000',
      ]
    : [];
  const child = spawnManaged({
    label: `redis-server :${config.port}`,
    command: config.binary,
    args: [
      '--port',
      String(config.port),
      '--bind',
      '127.0.0.1',
      '--protected-mode',
      'yes',
      '--dir',
      config.dir,
      '--daemonize',
      'no',
      '--save',
      '',
      '--appendonly',
      'yes',
      ...cluster,
      ...(config.tls
        ? [
            '--tls-port',
            String(config.tls.port),
            '--tls-cert-file',
            config.tls.cert,
            '--tls-key-file',
            config.tls.key,
            '--tls-ca-cert-file',
            config.tls.ca,
            '--tls-auth-clients',
            'optional',
          ]
        : []),
    ],
    cwd: config.dir,
    logFile: `${config.dir}/redis.log`,
  });
  const ready = waitUntil(() => probeService('redis', { REDIS_URL: `redis://127.0.0.1:${config.port}` }), {
    what: `redis-server on port ${config.port}`,
    timeoutMs: 30_000,
    intervalMs: 50,
    abortIf: () => child.assertRunning(),
  });
  return { child, ready };
}
