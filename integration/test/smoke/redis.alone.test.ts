import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerAvailable, brokerRestartable, brokerUrl, restartBroker } from '../../harness/index.js';

describe.skipIf(!brokerAvailable('redis'))('redis smoke', () => {
  const redis = new Redis(brokerUrl('redis'), { lazyConnect: true });
  redis.on('error', () => {}); // connection refused while the broker restarts is expected; ioredis retries
  afterAll(() => redis.quit());

  it('round-trips a list message', async () => {
    const queue = `smoke:${randomUUID()}`;
    await redis.lpush(queue, 'hello');
    expect(await redis.brpop(queue, 5)).toEqual([queue, 'hello']);
  });

  it.skipIf(!brokerRestartable('redis'))('survives a restart on the same port, keeping its data', async () => {
    const key = `smoke:${randomUUID()}`;
    await redis.set(key, 'kept');
    await restartBroker('redis');
    // ioredis reconnects by itself; the value was flushed to the AOF on shutdown.
    expect(await redis.get(key)).toBe('kept');
  });
});
