import { mkdirSync } from 'node:fs';
import { ensureAptPackages } from '../ensure-apt-packages.js';
import { ensureMavenJars } from '../ensure-maven-jars.js';
import { freePort } from '../free-port.js';
import { type ManagedProcess, spawnManaged } from '../managed-process.js';
import { cacheDir, toolsDir } from '../paths.js';
import { probeService } from '../probe-service.js';
import { stopProcessGroup } from '../process-group.js';
import type { RunningService, StartContext } from '../running-service.js';
import { testCaEnv } from '../test-certificates.js';
import { tlsTerminatingProxy } from '../tls-terminating-proxy.js';
import { waitUntil } from '../wait-until.js';
import { jvmFlags } from './jvm-flags.js';

/** Keep in step with tools/brokers/elasticmq/pom.xml; `ELASTICMQ_VERSION` overrides (>= 1.6.16). */
const defaultVersion = '1.7.1';

/**
 * ElasticMQ (SQS-compatible, in memory) from its Maven Central jars, on a free loopback port.
 * A restart loses its queues, like any in-memory SQS stand-in. ElasticMQ has no TLS, so HTTPS
 * (`SQS_TLS_ENDPOINT`) is a TLS-terminating proxy of the harness in front of it.
 */
export async function localElasticmq(context: StartContext): Promise<RunningService> {
  const version = process.env.ELASTICMQ_VERSION ?? defaultVersion;
  const java = await ensureAptPackages('java', ['openjdk-17-jre-headless']);
  const libs = await ensureMavenJars({
    pom: `${toolsDir}/elasticmq/pom.xml`,
    libsDir: `${cacheDir}/elasticmq-${version}/libs`,
    properties: { 'elasticmq.version': version },
  });
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  mkdirSync(context.dir, { recursive: true });
  let child: ManagedProcess | undefined;
  const start = async () => {
    const started = spawnManaged({
      label: 'elasticmq',
      command: java,
      args: [
        ...jvmFlags('256m'),
        `-Dconfig.file=${toolsDir}/elasticmq/elasticmq.conf`,
        `-Drest-sqs.bind-port=${port}`,
        `-Dnode-address.port=${port}`,
        '-cp',
        `${libs}/*`,
        'org.elasticmq.server.Main',
      ],
      cwd: context.dir,
      logFile: `${context.dir}/elasticmq.log`,
    });
    child = started;
    await waitUntil(() => probeService('sqs', { SQS_ENDPOINT: endpoint }), {
      what: `ElasticMQ on port ${port}`,
      timeoutMs: 60_000,
      abortIf: () => started.assertRunning(),
    });
  };
  await start();
  const certificates = await context.certificates();
  const proxy = await tlsTerminatingProxy(port, certificates);
  return {
    name: 'sqs',
    mode: 'local',
    description: `elasticmq ${version}`,
    env: { SQS_ENDPOINT: endpoint, SQS_TLS_ENDPOINT: `https://127.0.0.1:${proxy.port}`, ...testCaEnv(certificates) },
    processes: () => (child ? [{ pid: child.pid, group: true, command: java }] : []),
    async restart() {
      if (child) await stopProcessGroup(child.pid);
      await start();
    },
    async stop() {
      await proxy.close();
      if (child) await stopProcessGroup(child.pid);
      child = undefined;
    },
    // The TLS proxy lives in this process: a detached `pnpm brokers up` leaves plain HTTP only.
    detach: () => child?.detach(),
  };
}
