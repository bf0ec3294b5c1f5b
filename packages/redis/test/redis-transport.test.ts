import { ConfigurationError, defaultLogger } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { RedisBroker, RedisResultBackend, transport } from '../src/index.js';

describe('transport module', () => {
  it('builds a broker and a backend from a URL and the context (no I/O)', () => {
    const context = { logger: defaultLogger() };
    const broker = transport.createBroker?.(new URL('redis://127.0.0.1:6379/0?maxMessageBytes=1024&claimBatchSize=50'), context);
    expect(broker).toBeInstanceOf(RedisBroker);
    expect(broker?.capabilities.maxMessageBytes).toBe(1024);
    expect(transport.createResultBackend?.(new URL('redis://127.0.0.1:6379/0?expiresMs=1000'), context)).toBeInstanceOf(RedisResultBackend);
  });
});

describe('config numbers: one rule (positive, finite; counts whole)', () => {
  it.each([
    ['visibilityTimeoutMs', Number.POSITIVE_INFINITY],
    ['visibilityTimeoutMs', 0],
    ['pollIntervalMs', Number.NaN],
    ['maxMessageBytes', -1],
    ['claimBatchSize', 1.5],
    ['deadLetterLimit', Number.POSITIVE_INFINITY],
  ])('RedisBroker %s = %s is refused, naming the setting', (name, value) => {
    expect(() => new RedisBroker({ [name]: value })).toThrow(ConfigurationError);
    expect(() => new RedisBroker({ [name]: value })).toThrow(`RedisBroker ${name} must be a positive`);
  });

  it('RedisResultBackend expiresMs: Infinity keeps records; 0 and NaN are refused', () => {
    expect(() => new RedisResultBackend({ expiresMs: Number.POSITIVE_INFINITY })).not.toThrow();
    expect(() => new RedisResultBackend({ expiresMs: 0 })).toThrow('RedisResultBackend expiresMs must be a positive');
    expect(() => new RedisResultBackend({ expiresMs: Number.NaN })).toThrow(ConfigurationError);
  });
});
