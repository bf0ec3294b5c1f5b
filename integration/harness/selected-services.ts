import { type ServiceName, serviceNames } from './service-names.js';

// `cluster` is accepted because the cluster is a Redis deployment, not a transport of its own.
const aliases: Record<string, ServiceName> = { cluster: 'redis-cluster', rabbitmq: 'amqp', elasticmq: 'sqs' };

/**
 * The services selected by `TRANSPORTS` (comma-separated, e.g. `redis,sqs`); all of them
 * when it is unset or empty. Throws on an unknown name so a typo does not silently run nothing.
 */
export function selectedServices(transports = process.env.TRANSPORTS): ServiceName[] {
  const names = (transports ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) return [...serviceNames];
  const selected = new Set<ServiceName>();
  for (const name of names) {
    const service = aliases[name] ?? serviceNames.find((known) => known === name);
    if (!service) {
      throw new Error(`TRANSPORTS: unknown transport "${name}"; known: ${serviceNames.join(', ')} (aliases: cluster)`);
    }
    selected.add(service);
  }
  return serviceNames.filter((service) => selected.has(service));
}
