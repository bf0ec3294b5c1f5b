import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerAvailable, brokerUrl, sqsTestClientConfig } from '../../harness/index.js';

describe.skipIf(!brokerAvailable('sqs'))('sqs smoke', () => {
  // Explicit test credentials: never the default provider chain (it may leave loopback).
  const sqs = new SQSClient(sqsTestClientConfig(brokerAvailable('sqs') ? brokerUrl('sqs') : 'http://127.0.0.1:1'));
  afterAll(() => sqs.destroy());

  it('round-trips a message through a queue', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `smoke-${randomUUID()}` }));
    expect(QueueUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }));
    expect(Messages?.[0]?.Body).toBe('hello');
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages?.[0]?.ReceiptHandle }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  });
});
