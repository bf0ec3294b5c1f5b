import type { StartedTestContainer } from 'testcontainers';
import { log } from './log.js';
import type { RunningService } from './running-service.js';
import type { ServiceName } from './service-names.js';

/** Images used in container mode; pinned so runs are repeatable. */
const images = {
  redis: 'redis:7.2-alpine',
  amqp: 'rabbitmq:3.13-alpine',
  kafka: 'confluentinc/cp-kafka:8.0.0', // >= 8.0.0: KRaft, Apache Kafka 4.0
  sqs: 'softwaremill/elasticmq-native:1.7.1',
};

// `node-address.host = "*"` makes queue URLs echo the request's host:port, i.e. the mapped port.
const elasticmqConf = `include classpath("application.conf")
node-address { protocol = http, host = "*", port = 9324, context-path = "" }
rest-sqs { enabled = true, bind-hostname = "0.0.0.0", bind-port = 9324, sqs-limits = strict }
aws { region = "us-east-1", accountId = "000000000000" }
`;

let runtime: Promise<boolean> | undefined;

/**
 * Whether a container runtime answers, probed once with a timeout. Imported lazily:
 * testcontainers 12.x crashes at import on Node 20, and nobody without Docker should pay for it.
 */
export function containerRuntimeAvailable(timeoutMs = 5_000): Promise<boolean> {
  runtime ??= (async () => {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      });
      await Promise.race([getContainerRuntimeClient(), timeout]).finally(() => clearTimeout(timer));
      return true;
    } catch (error) {
      log(`no container runtime (${(error as Error).message}); using local processes`);
      return false;
    }
  })();
  return runtime;
}

async function startContainer(service: ServiceName): Promise<{ container: StartedTestContainer; env: () => Record<string, string> }> {
  switch (service) {
    case 'redis': {
      const { RedisContainer } = await import('@testcontainers/redis');
      const container = await new RedisContainer(images.redis).start();
      return { container, env: () => ({ REDIS_URL: container.getConnectionUrl() }) };
    }
    case 'amqp': {
      const { RabbitMQContainer } = await import('@testcontainers/rabbitmq');
      const container = await new RabbitMQContainer(images.amqp).start();
      return { container, env: () => ({ AMQP_URL: container.getAmqpUrl() }) };
    }
    case 'kafka': {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const container = await new KafkaContainer(images.kafka).start();
      return { container, env: () => ({ KAFKA_BROKERS: `${container.getHost()}:${container.getMappedPort(9093)}` }) };
    }
    case 'sqs': {
      const { GenericContainer, Wait } = await import('testcontainers');
      const container = await new GenericContainer(images.sqs)
        .withExposedPorts(9324)
        .withCopyContentToContainer([{ content: elasticmqConf, target: '/opt/elasticmq.conf' }])
        .withWaitStrategy(Wait.forLogMessage(/ElasticMQ server .* started/))
        .start();
      return { container, env: () => ({ SQS_ENDPOINT: `http://${container.getHost()}:${container.getMappedPort(9324)}` }) };
    }
    case 'redis-cluster':
      // Cluster nodes announce their container addresses, which the host cannot reach.
      throw new Error('no container recipe for a Redis Cluster (nodes announce unreachable addresses)');
  }
}

/**
 * `service` in a Testcontainers container. Containers are stopped by Testcontainers' reaper
 * (Ryuk) even if this process is killed, so they are not in the pid state file.
 */
export async function containerService(service: ServiceName): Promise<RunningService> {
  const { container, env } = await startContainer(service);
  const initialEnv = env();
  return {
    name: service,
    mode: 'container',
    description: container.getName().replace(/^\//, ''),
    env: initialEnv,
    processes: () => [],
    async restart() {
      await container.restart();
      // Docker may map new host ports on restart; tests hold the old address, so say so.
      if (JSON.stringify(env()) !== JSON.stringify(initialEnv)) {
        throw new Error(`${service} container came back on a different address: ${JSON.stringify(env())}`);
      }
    },
    async stop() {
      await container.stop();
    },
    detach() {
      // Ryuk removes the container once this process's session ends, so a detached
      // `pnpm brokers up` never uses container mode (see brokers-cli.ts).
    },
  };
}
