/**
 * Every shipped broker/backend variant, built the way an app builds it — from its URL, through the
 * package's public `transport` module — and asked for its `capabilities`. Constructors do no I/O (by
 * contract), so this connects to nothing. Only the free-text columns (label, package, where the
 * results go when the package has no backend) are data here; every capability cell is read.
 */
import { transport as amqp } from '@tq/amqp';
import {
  type BackendCapabilities,
  type BrokerCapabilities,
  defaultLogger,
  memoryTransport,
  type TransportContext,
  type TransportModule,
} from '@tq/core';
import { transport as kafka } from '@tq/kafka';
import { transport as redis } from '@tq/redis';
import { transport as sqs } from '@tq/sqs';

/** Where a variant's results go: its own package's backend, or advice. */
export type Results = { url: string; capabilities: BackendCapabilities; note?: string } | { advice: string };

export interface Variant {
  /** The README row label. */
  label: string;
  /** An example URL: shown in the README, and parsed to build the broker. */
  url: string;
  /** The npm package serving it. */
  pkg: string;
  /** Its column in its transport page's capability table (`docs/transports/<page>.md`), if it has one. */
  page?: { name: string; column: string };
  /** Shown in the README matrix (variants that only differ in a page column may stay out). */
  readme: boolean;
  broker: BrokerCapabilities;
  results: Results;
}

interface VariantSpec extends Omit<Variant, 'broker' | 'results' | 'readme'> {
  module: TransportModule;
  readme?: boolean;
  /** The backend URL served by the same package, or what to use instead. */
  results: { url: string; note?: string } | { advice: string };
}

const SPECS: readonly VariantSpec[] = [
  {
    label: 'embedded',
    url: 'memory://',
    pkg: '@tq/core',
    module: memoryTransport,
    results: { url: 'memory://', note: 'one process' },
  },
  {
    label: 'Redis',
    url: 'redis://host:6379/0',
    pkg: '@tq/redis',
    module: redis,
    page: { name: 'redis', column: 'standalone (`redis://host:6379/0`)' },
    results: { url: 'redis://host:6379/0' },
  },
  {
    label: 'Redis Cluster',
    url: 'redis://host:7000?cluster=true',
    pkg: '@tq/redis',
    module: redis,
    page: { name: 'redis', column: 'Cluster (`?cluster=true`)' },
    results: { url: 'redis://host:7000?cluster=true' },
  },
  {
    label: 'Redis, delays for Celery workers',
    url: 'redis://host:6379/0?delays=eta-header',
    pkg: '@tq/redis',
    module: redis,
    page: { name: 'redis', column: '`?delays=eta-header`' },
    readme: false,
    results: { url: 'redis://host:6379/0' },
  },
  {
    label: 'RabbitMQ',
    url: 'amqp://guest:guest@host:5672//',
    pkg: '@tq/amqp',
    module: amqp,
    page: { name: 'amqp', column: 'classic (default)' },
    results: { url: 'rpc://guest:guest@host:5672//' },
  },
  {
    label: 'RabbitMQ, priorities',
    url: 'amqp://guest:guest@host:5672//?maxPriority=9',
    pkg: '@tq/amqp',
    module: amqp,
    page: { name: 'amqp', column: 'classic, `maxPriority=9`' },
    results: { url: 'rpc://guest:guest@host:5672//' },
  },
  {
    label: 'RabbitMQ, quorum queues',
    url: 'amqp://guest:guest@host:5672//?queueType=quorum',
    pkg: '@tq/amqp',
    module: amqp,
    page: { name: 'amqp', column: 'quorum (`queueType=quorum`)' },
    readme: false,
    results: { url: 'rpc://guest:guest@host:5672//' },
  },
  {
    label: 'Kafka (KRaft)',
    url: 'kafka://host:9092',
    pkg: '@tq/kafka',
    module: kafka,
    page: { name: 'kafka', column: 'value' },
    results: { advice: 'none: use `redis://`' },
  },
  {
    label: 'SQS standard',
    url: 'sqs://?region=eu-west-1',
    pkg: '@tq/sqs',
    module: sqs,
    page: { name: 'sqs', column: 'standard (default)' },
    results: { advice: 'none: use `redis://`' },
  },
  {
    label: 'SQS FIFO',
    url: 'sqs://?region=eu-west-1&fifo=true',
    pkg: '@tq/sqs',
    module: sqs,
    page: { name: 'sqs', column: 'FIFO (`fifo=true`)' },
    results: { advice: 'none: use `redis://`' },
  },
];

/** Builds every variant (no I/O) and reads its capabilities. */
export function buildVariants(): Variant[] {
  // Nothing logs while constructing; silent all the same, so a generator run prints only its report.
  const context: TransportContext = { logger: defaultLogger().child({}, { level: 'silent' }) };
  return SPECS.map(({ module, results, readme = true, ...spec }) => ({
    ...spec,
    readme,
    broker: brokerOf(module, spec.url, context).capabilities,
    results: 'advice' in results ? results : { ...results, capabilities: backendOf(module, results.url, context).capabilities },
  }));
}

function brokerOf(module: TransportModule, url: string, context: TransportContext) {
  if (!module.createBroker) throw new Error(`The transport of ${url} builds no broker`);
  return module.createBroker(new URL(url), context);
}

function backendOf(module: TransportModule, url: string, context: TransportContext) {
  if (!module.createResultBackend) throw new Error(`The transport of ${url} builds no result backend`);
  return module.createResultBackend(new URL(url), context);
}
