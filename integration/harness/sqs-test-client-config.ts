import type { SQSClientConfig } from '@aws-sdk/client-sqs';

/**
 * SQS client settings for tests: explicit dummy credentials so the SDK never walks the
 * default provider chain (which may call the EC2 metadata endpoint off loopback), and the
 * region ElasticMQ is configured with (tools/brokers/elasticmq/elasticmq.conf).
 */
export function sqsTestClientConfig(endpoint: string): SQSClientConfig {
  return {
    endpoint,
    region: process.env.SQS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: process.env.SQS_ACCESS_KEY_ID ?? 'test',
      secretAccessKey: process.env.SQS_SECRET_ACCESS_KEY ?? 'test',
    },
    maxAttempts: 1,
  };
}
