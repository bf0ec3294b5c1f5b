/**
 * What integration tests use from the broker harness. The brokers themselves are provided
 * once per run by global-setup.ts; these helpers run inside test workers.
 */
import { harnessEnv } from './harness-env.js';
import { type ServiceName, serviceEnvVars } from './service-names.js';

export { type ServiceName, serviceEnvVars, serviceNames } from './service-names.js';
export { sqsTestClientConfig } from './sqs-test-client-config.js';

const list = (name: string) => (process.env[name] ?? '').split(',').filter(Boolean);

/** Whether this run provides `service` (false when it was not selected or, outside CI, could not be started). */
export function brokerAvailable(service: ServiceName): boolean {
  return list(harnessEnv.provided).includes(service);
}

/** Whether {@link restartBroker} can bounce `service` (not when it came from an env URL). */
export function brokerRestartable(service: ServiceName): boolean {
  return list(harnessEnv.restartable).includes(service);
}

/**
 * The address of `service`, as in its env var: `redis://…`, comma-separated cluster seeds,
 * `amqp://…`, comma-separated `host:port` Kafka brokers, or the SQS endpoint URL.
 * Throws when the run does not provide it.
 */
export function brokerUrl(service: ServiceName): string {
  const value = process.env[serviceEnvVars[service]];
  if (!value || !brokerAvailable(service))
    throw new Error(`${service} is not provided in this run (TRANSPORTS=${process.env.TRANSPORTS ?? ''})`);
  return value;
}

/** Env vars of each service's TLS listener (local mode: the harness starts every broker with one). */
const tlsEnvVars: Partial<Record<ServiceName, string>> = {
  redis: 'REDIS_TLS_URL',
  amqp: 'AMQP_TLS_URL',
  kafka: 'KAFKA_TLS_BROKERS',
  sqs: 'SQS_TLS_ENDPOINT',
};

/**
 * The TLS address of `service`, like {@link brokerUrl}: `rediss://…`, `amqps://…`, `host:port`
 * of Kafka's SSL listener, or the `https://` SQS endpoint. Its certificate is signed by {@link testCaFile}.
 * Throws when the run has none (a broker from an env URL or a container: set the variable too).
 */
export function brokerTlsUrl(service: ServiceName): string {
  const name = tlsEnvVars[service];
  const value = name ? process.env[name] : undefined;
  if (!name || !value || !brokerAvailable(service)) {
    throw new Error(
      `${service} has no TLS listener in this run; the harness starts one for local brokers, or set ${name ?? 'it'} and TQ_TEST_CA`,
    );
  }
  return value;
}

/**
 * Path of a PEM CA file: `trusted` is the CA that signed the brokers' TLS certificates
 * (`TQ_TEST_CA`); `other` a CA that signed none of them (`TQ_TEST_OTHER_CA`), for "wrong CA" tests.
 */
export function testCaFile(which: 'trusted' | 'other' = 'trusted'): string {
  const name = which === 'trusted' ? 'TQ_TEST_CA' : 'TQ_TEST_OTHER_CA';
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the harness sets it when it starts a broker with TLS`);
  return value;
}

/**
 * Restarts `service` on the same address (asks the process that owns the brokers) and
 * resolves once it answers again. Clients must reconnect by themselves; that is the point.
 */
export async function restartBroker(service: ServiceName): Promise<void> {
  const control = process.env[harnessEnv.control];
  if (!control) throw new Error('no broker harness control endpoint; run under the integration vitest project');
  const response = await fetch(`${control}/restart/${service}`, { method: 'POST' });
  if (!response.ok) throw new Error(`restart ${service} failed: ${await response.text()}`);
}
export {
  type CeleryBeatOptions,
  type CeleryCommandOutput,
  type CeleryWorkerOptions,
  type CeleryWorkerProcess,
  type FlowerOptions,
  type FlowerProcess,
  pythonPeer,
  pythonPeerDir,
  runCelery,
  runPythonScript,
  startCeleryBeat,
  startCeleryWorker,
  startFlower,
} from './celery-peer.js';
