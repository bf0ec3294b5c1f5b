import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { ensureAptPackages } from '../ensure-apt-packages.js';
import { ensureMavenJars } from '../ensure-maven-jars.js';
import { freePort } from '../free-port.js';
import { type ManagedProcess, spawnManaged } from '../managed-process.js';
import { cacheDir, toolsDir } from '../paths.js';
import { probeService } from '../probe-service.js';
import { stopProcessGroup } from '../process-group.js';
import { runCommand } from '../run-command.js';
import type { RunningService, StartContext } from '../running-service.js';
import { keystorePassword, testCaEnv } from '../test-certificates.js';
import { waitUntil } from '../wait-until.js';
import { jvmFlags } from './jvm-flags.js';

/**
 * Keep in step with tools/brokers/kafka/pom.xml. `KAFKA_VERSION=3.9.2` is the documented
 * fallback (the last 3.x; it removed no protocol versions). `KAFKA_HOME` uses an extracted
 * Apache tarball's `libs/` instead of Maven.
 */
const defaultVersion = '4.3.1';

interface Ports {
  plain: number;
  /** The SSL listener (server authentication only), keystore from the run's test certificates. */
  tls: number;
  controller: number;
}

function serverProperties(ports: Ports, keystore: string, dataDir: string, kafka4: boolean): string {
  // One node on loopback. Replication factors above 1 would leave __consumer_offsets
  // uncreated ("group coordinator not available"); 1 offsets partition makes the first join fast.
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${ports.controller}`,
    `listeners=PLAINTEXT://127.0.0.1:${ports.plain},SSL://127.0.0.1:${ports.tls},CONTROLLER://127.0.0.1:${ports.controller}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${ports.plain},SSL://127.0.0.1:${ports.tls}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT',
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${keystore}`,
    `ssl.keystore.password=${keystorePassword}`,
    `ssl.key.password=${keystorePassword}`,
    'ssl.client.auth=none',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'num.network.threads=2',
    'num.io.threads=2',
    'num.recovery.threads.per.data.dir=1',
    ...(kafka4 ? ['share.coordinator.state.topic.replication.factor=1', 'share.coordinator.state.topic.min.isr=1'] : []),
    '',
  ].join('\n');
}

/**
 * Makes the broker create and load `__consumer_offsets` now, so the first consumer group of
 * a test joins at once instead of retrying through "coordinator is loading" errors.
 */
async function warmGroupCoordinator(brokers: string): Promise<void> {
  const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [] }); // the coordinator lookup needs the broker list first
    const { groups } = await admin.describeGroups(['tq-harness-warm-up']);
    // kafkajs returns the per-group error code (e.g. "coordinator loading") but does not type it.
    const errorCode = (groups[0] as { errorCode?: number } | undefined)?.errorCode;
    if (errorCode !== 0) throw new Error(`group coordinator not ready (error ${errorCode})`);
  } finally {
    await admin.disconnect();
  }
}

/**
 * A single-node Kafka in KRaft combined mode (broker + controller) from Maven Central jars,
 * 512 MB heap, on free loopback ports. A restart keeps its log dir (topics and offsets survive).
 */
export async function localKafka(context: StartContext): Promise<RunningService> {
  const version = process.env.KAFKA_VERSION ?? defaultVersion;
  const kafka4 = !version.startsWith('3.');
  const java = await ensureAptPackages('java', ['openjdk-17-jre-headless']);
  const libs = process.env.KAFKA_HOME
    ? `${process.env.KAFKA_HOME}/libs`
    : await ensureMavenJars({
        pom: `${toolsDir}/kafka/pom.xml`,
        libsDir: `${cacheDir}/kafka-${version}/libs`,
        properties: { 'kafka.version': version },
        ...(kafka4 ? {} : { profile: 'kafka3' }),
      });
  const [port, tlsPort, controllerPort] = [await freePort(), await freePort(), await freePort()];
  const certificates = await context.certificates();
  mkdirSync(context.dir, { recursive: true });
  const propertiesFile = `${context.dir}/server.properties`;
  const ports = { plain: port, tls: tlsPort, controller: controllerPort };
  writeFileSync(propertiesFile, serverProperties(ports, certificates.p12, `${context.dir}/data`, kafka4));
  const jvm = [
    ...jvmFlags('512m'),
    kafka4
      ? `-Dlog4j2.configurationFile=${toolsDir}/kafka/log4j2.properties`
      : `-Dlog4j.configuration=file:${toolsDir}/kafka/log4j.properties`,
    '-cp',
    `${libs}/*`, // no shell: java expands the classpath wildcard itself
  ];
  const clusterId = randomBytes(16).toString('base64url');
  // `--cluster-id=<id>`, not `-t <id>`: a base64url id starts with '-' one time in 64, and the
  // argument parser then reads it as an option (a CI run failed on exactly that).
  await runCommand(java, [...jvm, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', propertiesFile], {
    timeoutMs: 60_000,
  });

  const brokers = `127.0.0.1:${port}`;
  let child: ManagedProcess | undefined;
  const start = async () => {
    const started = spawnManaged({
      label: 'kafka',
      command: java,
      args: [...jvm, 'kafka.Kafka', propertiesFile],
      cwd: context.dir,
      logFile: `${context.dir}/kafka.log`,
    });
    child = started;
    await waitUntil(() => probeService('kafka', { KAFKA_BROKERS: brokers }), {
      what: `Kafka on port ${port}`,
      timeoutMs: 90_000,
      intervalMs: 500,
      abortIf: () => started.assertRunning(),
    });
    await waitUntil(() => warmGroupCoordinator(brokers), { what: 'the Kafka group coordinator', timeoutMs: 90_000, intervalMs: 300 });
  };
  await start();
  return {
    name: 'kafka',
    mode: 'local',
    description: `kafka ${version} (KRaft)`,
    env: { KAFKA_BROKERS: brokers, KAFKA_TLS_BROKERS: `127.0.0.1:${tlsPort}`, ...testCaEnv(certificates) },
    processes: () => (child ? [{ pid: child.pid, group: true, command: java }] : []),
    async restart() {
      // Kafka's controlled shutdown can take a while; give it time so the log stays clean.
      if (child) await stopProcessGroup(child.pid, 30_000);
      await start();
    },
    async stop() {
      if (child) await stopProcessGroup(child.pid, 30_000);
      child = undefined;
    },
    detach: () => child?.detach(),
  };
}
