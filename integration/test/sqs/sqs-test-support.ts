import { DeleteQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SqsBroker, type SqsBrokerConfig } from '@tq/sqs';
import { brokerUrl, sqsTestClientConfig } from '../../harness/index.js';

/**
 * The harness's ElasticMQ. `brokerUrl` throws when this run does not provide SQS, so a missing
 * broker fails these tests instead of skipping them.
 */
export const endpoint = brokerUrl('sqs');

/** The `sqs://` URL of the harness's ElasticMQ, with the test credentials (never the default chain). */
export function sqsUrl(params = ''): string {
  const config = sqsTestClientConfig(endpoint);
  const credentials = config.credentials as { accessKeyId: string; secretAccessKey: string };
  const { host } = new URL(endpoint);
  const query = new URLSearchParams(params);
  query.set('region', String(config.region));
  return `sqs://${encodeURIComponent(credentials.accessKeyId)}:${encodeURIComponent(credentials.secretAccessKey)}@${host}?${query}`;
}

/** A broker on the harness's ElasticMQ with explicit test credentials. Short long-polls keep closes quick. */
export function testBroker(config: SqsBrokerConfig = {}): SqsBroker {
  return new SqsBroker({ clientConfig: sqsTestClientConfig(endpoint), waitTimeSeconds: 1, ...config });
}

/** A client for looking behind the broker's back (and cleaning up). */
export function testClient(): SQSClient {
  return new SQSClient(sqsTestClientConfig(endpoint));
}

/** Deletes the SQS queues (and dead-letter queues) of tq queues, ignoring the ones never created. */
export async function deleteQueues(queues: readonly string[], options: { fifo?: boolean } = {}): Promise<void> {
  const naming = new SqsBroker({ fifo: options.fifo ?? false });
  const client = testClient();
  try {
    const names = queues.flatMap((q) => {
      const name = naming.sqsQueueName(q);
      return [name, name.replace(/(\.fifo)?$/, '-dlq$1')];
    });
    await Promise.all(
      names.map(async (QueueName) => {
        const url = await client.send(new GetQueueUrlCommand({ QueueName })).then(
          (r) => r.QueueUrl,
          () => undefined,
        );
        if (url) await client.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => {});
      }),
    );
  } finally {
    client.destroy();
  }
}
