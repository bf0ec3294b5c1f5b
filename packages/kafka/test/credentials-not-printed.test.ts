import { defaultLogger } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { transport } from '../src/index.js';

describe('credentials in a Kafka URL are never printed', () => {
  it("the broker's address is the seed brokers' host:port only", () => {
    const broker = transport.createBroker?.(new URL('kafka://user:S3cr3t-Pa55@kafka.local:9093'), { logger: defaultLogger() });
    expect(broker?.address).toBe('kafka.local:9093');
  });
});
