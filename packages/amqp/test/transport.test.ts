import { defaultLogger, TqError } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { brokerConfigFromUrl } from '../src/amqp-broker-config.js';
import { AmqpBroker, RpcResultBackend, transport } from '../src/index.js';

const context = { logger: defaultLogger() };

describe('transport', () => {
  it('serves amqp, amqps and rpc', () => {
    expect(transport.schemes).toEqual(['amqp', 'amqps', 'rpc']);
    expect(transport.createBroker?.(new URL('amqp://guest:guest@localhost:5672//'), context)).toBeInstanceOf(AmqpBroker);
    expect(transport.createResultBackend?.(new URL('rpc://guest:guest@localhost:5672//'), context)).toBeInstanceOf(RpcResultBackend);
  });

  it("reads tq's URL parameters and leaves amqplib's", () => {
    const config = brokerConfigFromUrl(new URL('amqp://u:p@h:5672//?maxPriority=10&queueType=quorum&heartbeat=10'));
    expect(config).toMatchObject({ maxPriority: 10, queueType: 'quorum', url: 'amqp://u:p@h:5672//?heartbeat=10' });
  });

  it('declares capabilities honestly per configuration', () => {
    const classic = new AmqpBroker({ url: 'amqp://x', maxPriority: 10 }).capabilities;
    expect(classic).toMatchObject({
      delay: { maxDelayMs: 2 ** 32 - 1, emulated: true },
      priority: { levels: 10 },
      deadLetter: true,
      broadcast: true,
      events: true,
    });
    expect(new AmqpBroker({ url: 'amqp://x' }).capabilities.priority).toBe(false);
    expect(new AmqpBroker({ url: 'amqp://x', queueType: 'quorum' }).capabilities.priority).toBe(false);
    expect(new RpcResultBackend({ url: 'amqp://x' }).capabilities).toEqual({
      atomicCounters: false,
      watch: true,
      ttl: false,
      groups: false,
      shared: false,
      revokes: false,
      claims: false,
      schedules: false,
    });
  });

  it('refuses what cannot work, clearly', () => {
    const is = (fn: () => unknown) => expect(fn).toThrow(expect.objectContaining({ code: 'TQ_CONFIGURATION' }));
    is(() => transport.createResultBackend?.(new URL('rpc://'), context));
    is(() => transport.createResultBackend?.(new URL('rpc://h?expiresMs=soon'), context));
    is(() => transport.createBroker?.(new URL('rpc://h'), context));
    is(() => new AmqpBroker({ url: 'amqp://x', queueType: 'quorum', maxPriority: 10 }));
    is(() => new AmqpBroker({}));
    is(() => new AmqpBroker({ url: 'amqp://x', publishTimeoutMs: Number.POSITIVE_INFINITY }));
    is(() => new AmqpBroker({ url: 'amqp://x', maxMessageBytes: 1.5 }));
    is(() => new RpcResultBackend({ url: 'amqp://x', expiresMs: 0 }));
  });

  it('names host:port in connection errors, never the password', async () => {
    const broker = new AmqpBroker({ url: 'amqp://tq:s3cret@127.0.0.1:1//', logger: context.logger });
    const error = await broker.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(TqError.is(error, 'TQ_BROKER_CONNECTION')).toBe(true);
    expect((error as Error).message).toContain('RabbitMQ at 127.0.0.1:1');
    expect((error as Error).message).not.toContain('s3cret');
    await broker.close();
  });
});
