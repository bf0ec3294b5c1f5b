/** The brokers the harness can provide, named like the transports that use them. */
export const serviceNames = ['redis', 'redis-cluster', 'amqp', 'kafka', 'sqs'] as const;

/** One broker the harness can provide. */
export type ServiceName = (typeof serviceNames)[number];

/**
 * The environment variable that carries each service's address, both as input (use this
 * broker instead of starting one) and as output (what test workers read).
 * Formats: `redis://host:port`, comma-separated `redis://host:port` cluster seeds,
 * `amqp://user:pass@host:port`, comma-separated `host:port` Kafka brokers, `http://host:port`.
 */
export const serviceEnvVars: Record<ServiceName, string> = {
  redis: 'REDIS_URL',
  'redis-cluster': 'REDIS_CLUSTER_URLS',
  amqp: 'AMQP_URL',
  kafka: 'KAFKA_BROKERS',
  sqs: 'SQS_ENDPOINT',
};
