import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  createApp,
  createTaskMessage,
  type Delivery,
  defaultLogger,
  MemoryResultBackend,
  RuntimeBroker,
  RuntimeHooks,
  TqError,
  toEnvelope,
} from '@tq/core';
import { SqsBroker } from '@tq/sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteQueues, sqsUrl, testBroker, testClient } from './sqs-test-support.js';

const queues: string[] = [];
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await deleteQueues(queues.splice(0));
});

function uniqueQueue(label: string): string {
  const queue = `tq-sqs-${label}-${randomUUID().slice(0, 8)}`;
  queues.push(queue);
  return queue;
}

/** A user-owned client that counts calls and the entries they carried, per command. */
function countingClient(): { client: SQSClient; calls: Map<string, { calls: number; entries: number }> } {
  const client = testClient();
  const calls = new Map<string, { calls: number; entries: number }>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Entries?: unknown[] };
      const result = await next(args);
      const output = result.output as { Messages?: unknown[] };
      const name = context.commandName as string;
      const row = calls.get(name) ?? { calls: 0, entries: 0 };
      row.calls++;
      row.entries += input.Entries?.length ?? output.Messages?.length ?? 1;
      calls.set(name, row);
      return result;
    },
    { step: 'initialize', name: 'tqCallCounter' },
  );
  return { client, calls };
}

async function queueUrl(client: SQSClient, name: string): Promise<string> {
  return (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
}

describe('sqs broker', () => {
  it('batches: 25 published = 3 SendMessageBatch; received 10 per call; acks share DeleteMessageBatch calls; a user client stays open', async () => {
    const queue = uniqueQueue('batch');
    const { client, calls } = countingClient();
    closers.push(() => client.destroy());
    const broker = new SqsBroker({ client, waitTimeSeconds: 1 });
    await broker.connect();
    await broker.publishBatch(
      Array.from({ length: 25 }, (_, i) => ({ queue, message: createTaskMessage({ task: 't', id: randomUUID(), args: [i] }) })),
    );
    expect(calls.get('SendMessageBatchCommand')).toEqual({ calls: 3, entries: 25 });
    const received: Delivery[] = [];
    const subscription = await broker.consume(
      [queue],
      async (delivery) => {
        received.push(delivery);
        await delivery.ack();
      },
      { prefetch: 30 },
    );
    await expect.poll(() => received.length).toBe(25);
    await subscription.close();
    await broker.close();
    const receives = calls.get('ReceiveMessageCommand');
    const deletes = calls.get('DeleteMessageBatchCommand');
    expect(deletes?.entries).toBe(25);
    expect(deletes?.calls).toBeLessThanOrEqual(5);
    // 25 messages: three receives carry them (10, 10, 5), plus the empty long polls that end the run.
    expect(receives?.entries).toBe(25);
    // tq did not destroy the client it was given.
    await expect(client.send(new ListQueuesCommand({ MaxResults: 1 }))).resolves.toBeDefined();
  });

  it('publish() calls made in one turn share a SendMessageBatch', async () => {
    const queue = uniqueQueue('coalesce');
    const { client, calls } = countingClient();
    closers.push(() => client.destroy());
    const broker = new SqsBroker({ client });
    await broker.connect();
    closers.push(() => broker.close());
    await broker.publish(queue, createTaskMessage({ task: 't', id: randomUUID() })); // creates the queue
    await Promise.all(Array.from({ length: 20 }, () => broker.publish(queue, createTaskMessage({ task: 't', id: randomUUID() }))));
    expect(calls.get('SendMessageBatchCommand')).toEqual({ calls: 3, entries: 21 });
    expect(await broker.size(queue)).toBe(21);
  });

  it("the body limit leaves room for the envelope: 141 312 bytes by default, 583 680 for AWS's 1 MiB", async () => {
    const queue = uniqueQueue('big');
    const runtime = async (transport: SqsBroker) => {
      const broker = new RuntimeBroker(transport, { logger: defaultLogger(), hooks: new RuntimeHooks() });
      await broker.connect();
      closers.push(() => broker.close());
      return broker;
    };
    const broker = await runtime(testBroker());
    const message = createTaskMessage({ task: 'big', id: randomUUID(), args: ['x'.repeat(200_000)] });
    const error = await broker.publish(queue, message).catch((e: unknown) => e);
    expect(TqError.is(error, 'TQ_PAYLOAD_TOO_LARGE')).toBe(true);
    expect(error).toMatchObject({ limitBytes: 141_312 });
    // The same message fits a broker configured for AWS's 1 MiB (ElasticMQ takes messages that big).
    const large = await runtime(testBroker({ maxMessageBytes: 583_680 }));
    await large.publish(queue, message);
    expect(await large.size(queue)).toBe(1);
  });

  it('dead letters carry the reason as message attributes and stay readable; a RedrivePolicy parks crash loops', async () => {
    const queue = uniqueQueue('redrive');
    const broker = testBroker({ visibilityTimeoutMs: 1000, deadLetter: { maxReceiveCount: 2 } });
    await broker.connect();
    closers.push(() => broker.close());
    const parked = createTaskMessage({ task: 'parked', id: randomUUID() });
    const looping = createTaskMessage({ task: 'looping', id: randomUUID() });
    await broker.publish(queue, parked);
    await broker.publish(queue, looping);
    const seen: string[] = [];
    const subscription = await broker.consume(
      [queue],
      async (delivery) => {
        seen.push(delivery.message?.headers.task as string);
        // `looping` is never settled: as if it crashed its worker every time.
        if (delivery.message?.headers.task === 'parked') await delivery.deadLetter('bad input: parked on purpose');
      },
      { prefetch: 5 },
    );
    await expect.poll(async () => (await broker.deadLetters(queue)).length, { timeout: 15_000, interval: 200 }).toBe(2);
    await subscription.close();
    const letters = await broker.deadLetters(queue);
    // Oldest first by SentTimestamp: the redriven one keeps its original send time, so it may come first.
    expect(letters.map((l) => l.reason)).toEqual(
      expect.arrayContaining(['bad input: parked on purpose', expect.stringMatching(/redrive policy/)]),
    );
    expect(letters.find((l) => l.reason.includes('redrive'))?.reason).toMatch(
      /^moved by the SQS redrive policy of tq-sqs-redrive-\w+ after \d+ receives$/,
    );
    expect(letters.every((l) => l.queue === queue)).toBe(true);
    expect(seen.filter((t) => t === 'looping')).toHaveLength(2);
    // Reading did not remove them, and the attributes are there for any SQS tool to see.
    expect(await broker.deadLetters(queue)).toHaveLength(2);
    const client = testClient();
    closers.push(() => client.destroy());
    const dlq = await queueUrl(client, `${broker.sqsQueueName(queue)}-dlq`);
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: await queueUrl(client, broker.sqsQueueName(queue)), AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({ maxReceiveCount: 2 });
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 0 }),
    );
    const tagged = Messages.find((m) => m.MessageAttributes?.['tq-reason']);
    expect(tagged?.MessageAttributes?.['tq-reason']?.StringValue).toBe('bad input: parked on purpose');
    expect(tagged?.MessageAttributes?.['tq-queue']?.StringValue).toBe(queue);
  }, 30_000);

  it('shares queues with Celery: kombu names, base64 kombu envelopes both ways', async () => {
    const celeryQueue = `tq.sqs.celery.${randomUUID().slice(0, 8)}`;
    queues.push(celeryQueue);
    const app = createApp({ broker: testBroker(), backend: new MemoryResultBackend({ name: 'sqs-celery' }) });
    closers.push(() => app.close());
    const broker = (await app.broker()).transport as SqsBroker;
    expect(broker.sqsQueueName(celeryQueue)).toBe(celeryQueue.replaceAll('.', '-'));
    const add = app.task('proj.add', { queue: celeryQueue }, async (x: number, y: number) => x + y);
    // What a Celery producer puts on SQS: base64(kombu envelope), lang py.
    const id = randomUUID();
    const fromPython = createTaskMessage({ task: 'proj.add', id, args: [2, 3], headers: { lang: 'py' } });
    await broker.publishRaw(celeryQueue, Buffer.from(toEnvelope(fromPython, { queue: celeryQueue })));
    const worker = app.worker({ queues: [celeryQueue] });
    await worker.start();
    closers.push(() => worker.close());
    expect(await app.asyncResult(id).get({ timeoutMs: 10_000 })).toBe(5);
    await worker.close();

    // What tq puts there, read as a Celery worker would.
    const r = await add.delay(4, 5);
    const client = testClient();
    closers.push(() => client.destroy());
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: await queueUrl(client, broker.sqsQueueName(celeryQueue)), WaitTimeSeconds: 2 }),
    );
    const envelope = JSON.parse(Buffer.from(Messages[0]?.Body ?? '', 'base64').toString('utf8'));
    expect(envelope.headers).toMatchObject({ task: 'proj.add', id: r.id, lang: 'js' });
    expect(envelope.properties).toMatchObject({ body_encoding: 'base64', delivery_info: { exchange: '', routing_key: celeryQueue } });
    expect(JSON.parse(Buffer.from(envelope.body, 'base64').toString('utf8'))[0]).toEqual([4, 5]);
  });

  it("createApp({ broker: 'sqs://KEY:SECRET@host:port?region=...' }) finds @tq/sqs and works end to end", async () => {
    const queue = uniqueQueue('url');
    // Core finds transport packages from the application's folder (process.cwd(): the repository root).
    const app = createApp({ broker: sqsUrl('waitTimeSeconds=1'), backend: new MemoryResultBackend({ name: 'sqs-url' }) });
    closers.push(() => app.close());
    const echo = app.task('echo', { queue }, async (text: string) => text);
    const worker = app.worker({ queues: [queue] });
    await worker.start();
    closers.push(() => worker.close());
    expect((await app.broker()).transport).toBeInstanceOf(SqsBroker);
    expect(await (await echo.delay('hello')).get({ timeoutMs: 10_000 })).toBe('hello');
  });

  it('close() waits for the long poll in flight and gives back what it brought; nothing stays invisible', async () => {
    const queue = uniqueQueue('close');
    const broker = testBroker({ waitTimeSeconds: 2, visibilityTimeoutMs: 60_000 });
    await broker.connect();
    const received: Delivery[] = [];
    const subscription = await broker.consume(
      [queue],
      async (d) => {
        received.push(d);
      },
      { prefetch: 1 },
    );
    await sleep(200); // the poll is waiting on the server
    await subscription.close();
    await broker.publish(queue, createTaskMessage({ task: 't', id: randomUUID() })); // the open poll takes it
    await broker.close();
    expect(received).toHaveLength(0);
    const other = testBroker();
    await other.connect();
    closers.push(() => other.close());
    // Visible again at once, not after the 60 s visibility timeout.
    expect(await other.size(queue)).toBe(1);
  });
});
