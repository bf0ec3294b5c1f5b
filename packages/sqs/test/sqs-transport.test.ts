import { describe, expect, it } from 'vitest';
import { SqsBroker, sqsConfigFromUrl, transport } from '../src/index.js';

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
      new URL('sqs://h:1?fifo=true&queueNamePrefix=dev-&visibilityTimeout=60&waitTimeSeconds=20&maxReceiveCount=5&maxMessageBytes=1048576'),
    );
    expect(config).toMatchObject({
      fifo: true,
      queueNamePrefix: 'dev-',
      visibilityTimeoutMs: 60_000,
      waitTimeSeconds: 20,
      maxMessageBytes: 1_048_576,
      deadLetter: { maxReceiveCount: 5 },
    });
    expect(() => sqsConfigFromUrl(new URL('sqs://h:1?waitTimeSeconds=soon'))).toThrow(/waitTimeSeconds/);
    expect(() => sqsConfigFromUrl(new URL('sqs://h:1?fifo=maybe'))).toThrow(/fifo/);
    expect(() => new SqsBroker({ waitTimeSeconds: 21 })).toThrow(/0–20/);
  });

  it('the transport module serves sqs:// with a broker and no result backend; no I/O until connect', () => {
    expect(transport.schemes).toEqual(['sqs']);
    expect(transport.createResultBackend).toBeUndefined();
    expect(transport.createBroker?.(new URL('sqs://k:s@127.0.0.1:1'))).toBeInstanceOf(SqsBroker);
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
      broadcast: false,
      batchPublish: true,
      maxMessageBytes: 262_144,
    });
    expect(new SqsBroker({ fifo: true }).capabilities).toMatchObject({ delay: false, ordering: 'per-key' });
  });
});
