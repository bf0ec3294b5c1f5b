import { createTaskMessage, defaultLogger, encodedBodyOf } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { encodeSqsBody, SqsBroker, sqsConfigFromUrl, transport } from '../src/index.js';

describe('sqs:// URLs', () => {
  it('host and port: an http endpoint, explicit credentials, region', () => {
    const config = sqsConfigFromUrl(new URL('sqs://AKID:se%2Fcret@localhost:9324?region=eu-west-1'));
    expect(config.clientConfig).toEqual({
      endpoint: 'http://localhost:9324',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'se/cret' },
    });
  });

  it('sqs:// alone is AWS with the default credential chain and region: no endpoint, no credentials', () => {
    expect(sqsConfigFromUrl(new URL('sqs://')).clientConfig).toEqual({});
    expect(sqsConfigFromUrl(new URL('sqs://?region=us-west-2')).clientConfig).toEqual({ region: 'us-west-2' });
  });

  it('https for AWS hosts and tls=true', () => {
    expect(sqsConfigFromUrl(new URL('sqs://sqs.eu-west-1.amazonaws.com?region=eu-west-1')).clientConfig?.endpoint).toBe(
      'https://sqs.eu-west-1.amazonaws.com',
    );
    expect(sqsConfigFromUrl(new URL('sqs://sqs.local:4443?tls=true')).clientConfig?.endpoint).toBe('https://sqs.local:4443');
  });

  it('broker options from the query; bad values are refused', () => {
    const config = sqsConfigFromUrl(
      new URL('sqs://h:1?fifo=true&queueNamePrefix=dev-&visibilityTimeout=60&waitTimeSeconds=20&maxReceiveCount=5&maxMessageBytes=500000'),
    );
    expect(config).toMatchObject({
      fifo: true,
      queueNamePrefix: 'dev-',
      visibilityTimeoutMs: 60_000,
      waitTimeSeconds: 20,
      maxMessageBytes: 500_000,
      deadLetter: { maxReceiveCount: 5 },
    });
    expect(() => sqsConfigFromUrl(new URL('sqs://h:1?waitTimeSeconds=soon'))).toThrow(/waitTimeSeconds/);
    expect(() => sqsConfigFromUrl(new URL('sqs://h:1?fifo=maybe'))).toThrow(/fifo/);
    expect(() => new SqsBroker({ waitTimeSeconds: 21 })).toThrow(/0–20/);
    expect(() => new SqsBroker({ maxMessageBytes: 600_000 })).toThrow(/maxMessageBytes must be an integer 1024–583680/);
  });

  it('the transport module serves sqs:// with a broker and no result backend; no I/O until connect', () => {
    expect(transport.schemes).toEqual(['sqs']);
    expect(transport.createResultBackend).toBeUndefined();
    expect(transport.createBroker?.(new URL('sqs://k:s@127.0.0.1:1'), { logger: defaultLogger() })).toBeInstanceOf(SqsBroker);
  });

  it('capabilities: standard queues delay up to 15 minutes; FIFO queues order per key and cannot delay', () => {
    expect(new SqsBroker().capabilities).toEqual({
      delay: { maxDelayMs: 900_000, emulated: false },
      priority: false,
      ack: 'per-message',
      visibilityTimeout: true,
      extendVisibility: true,
      deadLetter: true,
      ordering: 'none',
      broadcast: true,
      events: true,
      batchPublish: true,
      maxMessageBytes: 141_312,
      requeueCountsAsDelivery: false,
    });
    expect(new SqsBroker({ fifo: true }).capabilities).toMatchObject({ delay: false, ordering: 'per-key', requeueCountsAsDelivery: true });
    expect(new SqsBroker({ fifo: true, maxDelayMs: 60_000 }).capabilities.delay).toBe(false);
    expect(new SqsBroker({ base64: false }).capabilities.maxMessageBytes).toBe(190_464);
  });

  it('maxMessageBytes is a body limit: a body at it, with generous headers, still fits an SQS message of 256 KiB', () => {
    const limit = new SqsBroker().capabilities.maxMessageBytes;
    const withArg = (arg: string) =>
      createTaskMessage({
        task: 'proj.tasks.a_rather_long_task_name_as_python_modules_make_them',
        id: crypto.randomUUID(),
        args: [arg],
        headers: { origin: 'gen12345@worker-host.example.internal', parent_id: crypto.randomUUID(), root_id: crypto.randomUUID() },
      });
    const message = withArg('x'.repeat(limit - encodedBodyOf(withArg('')).byteLength));
    expect(encodedBodyOf(message).byteLength).toBe(limit);
    expect(Buffer.byteLength(encodeSqsBody(message, 'celery', true))).toBeLessThanOrEqual(262_144);
  });
});
