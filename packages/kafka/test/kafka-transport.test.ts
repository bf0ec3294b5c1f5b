import { defaultLogger, type Logger } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { KafkaBroker, KafkajsClient, parseKafkaUrl, transport } from '../src/index.js';

describe('kafka:// URLs', () => {
  it('parse hosts and tuning parameters', () => {
    expect(parseKafkaUrl(new URL('kafka://k1:9092?brokers=k2:9092,k3:9092&partitions=12&delayTiersMs=500,5000&groupPrefix=app.'))).toEqual({
      brokers: ['k1:9092', 'k2:9092', 'k3:9092'],
      partitions: 12,
      delayTiersMs: [500, 5000],
      groupPrefix: 'app.',
    });
  });

  it('build a broker whose capabilities say what Kafka can and cannot do', () => {
    const broker = transport.createBroker?.(new URL('kafka://localhost:9092'), { logger: defaultLogger() });
    expect(broker).toBeInstanceOf(KafkaBroker);
    expect(broker?.capabilities).toEqual({
      delay: { maxDelayMs: 3_600_000, emulated: true },
      priority: false,
      ack: 'cumulative',
      visibilityTimeout: true,
      extendVisibility: false,
      deadLetter: true,
      ordering: 'per-key',
      broadcast: true,
      events: true,
      batchPublish: true,
      maxMessageBytes: 750_000,
    });
    expect(broker?.control).toBeDefined();
    expect(broker?.events).toBeDefined();
  });

  it('refuse bad settings with the reason', () => {
    expect(() => new KafkaBroker({ delayTiersMs: [1000, 500] })).toThrow(/increasing/);
    expect(() => new KafkaBroker({ partitions: 0 })).toThrow(/partitions/);
    expect(() => new KafkaBroker({ partitions: 1.5 })).toThrow(/partitions must be a positive integer/);
    expect(() => new KafkaBroker({ sessionTimeoutMs: Number.POSITIVE_INFINITY })).toThrow(/sessionTimeoutMs/);
  });
});

describe('kafka logging', () => {
  it("kafkajs's own log goes to the given pino logger, errors and warnings at warn, with the broker's host:port", async () => {
    const lines: Record<string, unknown>[] = [];
    const at = (level: string) => (fields: object, msg: string) => lines.push({ level, msg, ...fields });
    const logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } as unknown as Logger;
    // Nothing listens on port 1: kafkajs logs the refused connection, then gives up.
    const client = new KafkajsClient({
      brokers: ['127.0.0.1:1'],
      logger,
      kafkaConfig: { connectionTimeout: 200, retry: { retries: 0 } },
    });
    await expect(client.connect()).rejects.toThrow();
    await client.disconnect();
    const refused = lines.find((l) => String(l.msg).includes('Connection error'));
    expect(refused).toMatchObject({ level: 'warn', kafkajs: 'Connection', broker: '127.0.0.1:1' });
    expect(lines.every((l) => l.level === 'warn')).toBe(true);
  });
});
