import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerRuntimeAvailable, containerService } from './container-service.js';
import { localElasticmq } from './local/local-elasticmq.js';
import { localKafka } from './local/local-kafka.js';
import { localRabbitmq } from './local/local-rabbitmq.js';
import { localRedis } from './local/local-redis.js';
import { localRedisCluster } from './local/local-redis-cluster.js';
import { log } from './log.js';
import { probeService } from './probe-service.js';
import { isAlive, stopProcessGroup } from './process-group.js';
import { processRegistry } from './process-registry.js';
import type { RunningService, StartContext } from './running-service.js';
import { type ServiceName, serviceEnvVars } from './service-names.js';
import { writeState } from './state-file.js';
import { type TestCertificates, testCertificates } from './test-certificates.js';

/** Which sources the harness may use: `auto` tries env URL, then containers, then local processes. */
export type BrokersMode = 'auto' | 'external' | 'containers' | 'local';

/** Options for {@link startBrokers}. */
export interface StartBrokersOptions {
  services: readonly ServiceName[];
  /** Where pids go, for `pnpm brokers down` and stale-run clean-up. */
  stateFile: string;
  /** Default: `BROKERS_MODE`, else `auto`. */
  mode?: BrokersMode;
  /** Throw when a service cannot be provided. Default: in CI (`CI=true`), else skip it loudly. */
  required?: boolean;
}

/** The services of one harness run. */
export interface Brokers {
  /** Scratch dir with every local service's data and logs (removed by `stop()`). */
  readonly runDir: string;
  readonly stateFile: string;
  readonly services: ReadonlyMap<ServiceName, RunningService>;
  /** Services that could not be provided (outside CI only), with the reason. */
  readonly missing: ReadonlyMap<ServiceName, string>;
  /** Env vars for every provided service (`REDIS_URL`, ...). */
  env(): Record<string, string>;
  /** Bounce one service on the same address. */
  restart(service: ServiceName): Promise<void>;
  /** Stop everything this run started, remove its data and state file; idempotent. */
  stop(): Promise<void>;
  /** Leave the services running after this process exits (`pnpm brokers up`). */
  detach(): void;
}

const localStarters: Record<ServiceName, (context: StartContext) => Promise<RunningService>> = {
  redis: localRedis,
  'redis-cluster': localRedisCluster,
  amqp: localRabbitmq,
  kafka: localKafka,
  sqs: localElasticmq,
};

/** How to provide a service by hand, for the failure message. */
const howToProvide: Record<ServiceName, string> = {
  redis: 'set REDIS_URL=redis://127.0.0.1:6379, or install redis-server',
  'redis-cluster': 'set REDIS_CLUSTER_URLS=redis://127.0.0.1:7000,redis://127.0.0.1:7001,..., or install redis-server + redis-cli',
  amqp: 'set AMQP_URL=amqp://guest:guest@127.0.0.1:5672, or install rabbitmq-server',
  kafka: 'set KAFKA_BROKERS=127.0.0.1:9092, or install a JDK 17 + Maven (jars come from Maven Central)',
  sqs: 'set SQS_ENDPOINT=http://127.0.0.1:9324, or install a JDK 17 + Maven (jars come from Maven Central)',
};

async function provide(
  service: ServiceName,
  mode: BrokersMode,
  runDir: string,
  certificates: () => Promise<TestCertificates>,
): Promise<RunningService> {
  const envVar = serviceEnvVars[service];
  const given = process.env[envVar];
  if (given) {
    // A URL someone gave us must work; silently starting another broker would hide their mistake.
    await probeService(service, { [envVar]: given }).catch((error: Error) => {
      throw new Error(`${envVar}=${given} does not answer: ${error.message}`, { cause: error });
    });
    return {
      name: service,
      mode: 'external',
      description: `from ${envVar}`,
      env: { [envVar]: given },
      processes: () => [],
      restart: () => Promise.reject(new Error(`${service} comes from ${envVar}; the harness cannot restart it`)),
      stop: async () => {},
      detach: () => {},
    };
  }
  if (mode === 'external') throw new Error(`${envVar} is not set (BROKERS_MODE=external)`);
  if ((mode === 'auto' || mode === 'containers') && service !== 'redis-cluster' && (await containerRuntimeAvailable())) {
    try {
      return await containerService(service);
    } catch (error) {
      if (mode === 'containers') throw error;
      log(`${service}: container did not start (${(error as Error).message}); trying a local process`);
    }
  }
  if (mode === 'containers') throw new Error('no container runtime (BROKERS_MODE=containers)');
  const dir = join(runDir, service);
  mkdirSync(dir, { recursive: true });
  return localStarters[service]({ dir, certificates });
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/**
 * Provides `services` in parallel, each from the first source that works: its env URL
 * (probed with a real call), a Testcontainers container, or a local process on free
 * 127.0.0.1 ports. Prints one timing line per service on stderr.
 */
export async function startBrokers(options: StartBrokersOptions): Promise<Brokers> {
  const mode = options.mode ?? ((process.env.BROKERS_MODE as BrokersMode | undefined) || 'auto');
  const required = options.required ?? process.env.CI === 'true';
  // World-traversable: RabbitMQ runs as its own user and must reach its dir inside.
  const runDir = mkdtempSync(join(tmpdir(), 'tq-brokers-'));
  chmodSync(runDir, 0o755);
  const services = new Map<ServiceName, RunningService>();
  const missing = new Map<ServiceName, string>();
  const startedAt = new Date().toISOString();
  const saveState = () =>
    writeState(options.stateFile, {
      owner: process.pid,
      startedAt,
      runDir,
      services: Object.fromEntries(
        [...services].map(([name, s]) => [name, { mode: s.mode, description: s.description, env: s.env, processes: s.processes() }]),
      ),
      processes: processRegistry.list(),
    });
  const unsubscribe = processRegistry.onChange(saveState);
  saveState();

  let stopped = false;
  const brokers: Brokers = {
    runDir,
    stateFile: options.stateFile,
    services,
    missing,
    env: () => Object.assign({}, ...[...services.values()].map((s) => s.env)),
    async restart(service) {
      const running = services.get(service);
      if (!running) throw new Error(`${service} is not running in this harness run`);
      const since = performance.now();
      await running.restart();
      saveState();
      log(`${service} restarted in ${seconds(since)}`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const stopping = performance.now();
      const results = await Promise.allSettled([...services.values()].map((s) => s.stop()));
      // Whatever a failed start or stop left behind: still registered, so kill it by pid.
      await Promise.all(
        processRegistry.list().map(async (record) => {
          if (record.group) await stopProcessGroup(record.pid, 5_000);
          else if (isAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
          processRegistry.remove(record.pid);
        }),
      );
      unsubscribe();
      rmSync(runDir, { recursive: true, force: true });
      rmSync(options.stateFile, { force: true });
      for (const result of results) if (result.status === 'rejected') log(`stop: ${(result.reason as Error).message}`);
      log(`stopped ${[...services.keys()].join(', ') || 'nothing'} in ${seconds(stopping)}`);
    },
    detach() {
      unsubscribe();
      for (const s of services.values()) s.detach();
    },
  };

  let certificates: Promise<TestCertificates> | undefined;
  const runCertificates = () => {
    certificates ??= testCertificates(join(runDir, 'tls'));
    return certificates;
  };
  const since = performance.now();
  log(`providing ${options.services.join(', ')} (mode ${mode}) …`);
  await Promise.allSettled(
    options.services.map(async (service) => {
      const started = performance.now();
      try {
        const running = await provide(service, mode, runDir, runCertificates);
        services.set(service, running);
        saveState();
        log(
          `${service.padEnd(13)} ${running.mode.padEnd(9)} ${running.description.padEnd(28)} ${Object.values(running.env).join(' ')}  ${seconds(started)}`,
        );
      } catch (error) {
        const reason = (error as Error).message;
        missing.set(service, reason);
        log(`${service.padEnd(13)} FAILED after ${seconds(started)}: ${reason}`);
        throw error;
      }
    }),
  );
  if (missing.size > 0) {
    const lines = [...missing].map(
      ([service, reason]) => `  - ${service}: ${reason.split('\n')[0]}\n    to provide it: ${howToProvide[service]}`,
    );
    const message = `could not provide ${[...missing.keys()].join(', ')}:\n${lines.join('\n')}`;
    if (required) {
      await brokers.stop();
      throw new Error(`[brokers] ${message}\n(CI=true or required: a missing broker fails the run)`);
    }
    log(`!!!!!!!! ${message}\n[brokers] !!!!!!!! their tests will be SKIPPED (in CI this fails the run)`);
  }
  log(`ready in ${seconds(since)}`);
  return brokers;
}
