import { describe, expect, it } from 'vitest';
import { KafkaBroker, parseKafkaUrl, transport } from '../src/index.js';

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
    const broker = transport.createBroker?.(new URL('kafka://localhost:9092'));
    expect(broker).toBeInstanceOf(KafkaBroker);
    expect(broker?.capabilities).toEqual({
      delay: { maxDelayMs: 3_600_000, emulated: true },
      priority: false,
      ack: 'cumulative',
      visibilityTimeout: true,
      extendVisibility: false,
      deadLetter: true,
      ordering: 'per-key',
      broadcast: false,
      batchPublish: true,
      maxMessageBytes: 1_000_000,
    });
    expect(broker?.control).toBeUndefined();
  });

  it('refuse bad settings with the reason', () => {
    expect(() => new KafkaBroker({ delayTiersMs: [1000, 500] })).toThrow(/increasing/);
    expect(() => new KafkaBroker({ partitions: 0 })).toThrow(/partitions/);
  });
});
