/**
 * `@tq/sqs`: the Amazon SQS broker for tq (standard and FIFO queues), sharing queues with Celery.
 *
 * `createApp({ broker: 'sqs://?region=eu-west-1', backend: 'redis://...' })`, or pass
 * `new SqsBroker({ client, ... })` to use your own SQSClient.
 */

export { deadLetterQueueName, entityName, sqsQueueName } from './queue-name.js';
export { decodeSqsBody, encodeSqsBody } from './sqs-body.js';
export { SqsBroker } from './sqs-broker.js';
export type { SqsBrokerConfig } from './sqs-broker-config.js';
export { sqsConfigFromUrl, sqsTransport as transport, sqsTransport } from './sqs-transport.js';
