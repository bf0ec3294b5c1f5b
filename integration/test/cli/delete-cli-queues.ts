import type { CliTransport } from './fixtures/cli-app-of.js';

/** Delete what `transport`'s broker keeps for `queues` (the support module of each transport, loaded only when used). */
export async function deleteCliQueues(transport: CliTransport, queues: readonly string[]): Promise<void> {
  if (transport === 'redis') return (await import('../redis/redis-test-env.js')).deleteQueues('redis', queues);
  if (transport === 'amqp') return (await import('../amqp/amqp-support.js')).deleteQueues(queues);
  if (transport === 'kafka') return (await import('../kafka/kafka-support.js')).deleteQueues(queues);
  return (await import('../sqs/sqs-test-support.js')).deleteQueues(queues);
}
