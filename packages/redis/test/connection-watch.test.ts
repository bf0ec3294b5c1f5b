import { EventEmitter } from 'node:events';
import { captureLogger } from '@tq/conformance';
import { BrokerConnectionError } from '@tq/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionWatch } from '../src/connection-watch.js';
import { RedisConnection } from '../src/redis-connection.js';
import type { RedisClient } from '../src/redis-script.js';

/** An ioredis client as far as the watch sees it: its status and events. */
function fakeClient(status = 'ready'): EventEmitter & { status: string } {
  return Object.assign(new EventEmitter(), { status });
}

describe('ConnectionWatch', () => {
  it('logs loss and retries at warn (attempts 1, 2, 4, 8, ...), recovery at info, naming host:port', () => {
    const { logger, lines } = captureLogger();
    const client = fakeClient();
    const errors: Error[] = [];
    let reconnected = 0;
    new ConnectionWatch(
      client as unknown as RedisClient,
      logger,
      { redis: 'cache:6379', connection: 'command' },
      {
        onError: (error) => errors.push(error),
        onReconnect: () => reconnected++,
      },
    );
    const refused = new Error('connect ECONNREFUSED');
    client.emit('error', refused);
    client.emit('close');
    for (let i = 0; i < 10; i++) {
      client.emit('error', refused);
      client.emit('close');
      client.emit('reconnecting', 2000);
    }
    client.emit('ready');
    expect(errors).toHaveLength(11);
    expect(reconnected).toBe(1);
    expect(lines.map((line) => [line.level, line.msg, line.fields.attempt ?? line.fields.attempts])).toEqual([
      ['warn', 'Redis connection lost', undefined],
      ['warn', 'reconnecting to Redis', 1],
      ['warn', 'reconnecting to Redis', 2],
      ['warn', 'reconnecting to Redis', 4],
      ['warn', 'reconnecting to Redis', 8],
      ['info', 'Redis connection recovered', 10],
    ]);
    for (const line of lines) expect(line.fields).toMatchObject({ redis: 'cache:6379', connection: 'command' });
  });

  it('says nothing about a client that was never ready (connect() returns that), nor once stopped', () => {
    const { logger, lines } = captureLogger();
    const client = fakeClient('connecting');
    const watch = new ConnectionWatch(client as unknown as RedisClient, logger, { redis: 'h:1', connection: 'c' }, { onError: () => {} });
    client.emit('close');
    client.emit('reconnecting', 50);
    client.emit('ready');
    watch.stop();
    client.emit('close');
    client.emit('end');
    expect(lines).toEqual([]);
  });

  it('logs ioredis giving up at error, and detaches from a client of the user', () => {
    const { logger, lines } = captureLogger();
    const client = fakeClient();
    const watch = new ConnectionWatch(client as unknown as RedisClient, logger, { redis: 'h:1', connection: 'c' }, { onError: () => {} });
    client.emit('end');
    expect(lines.map((line) => [line.level, line.msg])).toEqual([['error', 'Redis connection ended: ioredis stopped reconnecting']]);
    watch.detach();
    expect(client.eventNames()).toEqual([]);
  });
});

describe('RedisConnection', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('a failed connect names host:port (never the password) and leaves no client reconnecting', async () => {
    const disconnect = vi.spyOn(Redis.prototype, 'disconnect');
    const { logger, lines } = captureLogger();
    const connection = new RedisConnection({ url: 'redis://user:s3cret@127.0.0.1:1/0', redisOptions: { connectTimeout: 2000 } }, logger);
    const error = await connection.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerConnectionError);
    expect((error as Error).message).toMatch(/^Cannot connect to Redis at 127\.0\.0\.1:1: /);
    expect((error as Error).message).not.toContain('s3cret');
    expect(disconnect).toHaveBeenCalled();
    expect(connection.closed).toBe(true);
    expect(lines).toEqual([]);
  });
});
