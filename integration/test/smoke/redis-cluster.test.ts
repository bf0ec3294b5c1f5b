import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerAvailable, brokerUrl } from '../../harness/index.js';

describe.skipIf(!brokerAvailable('redis-cluster'))('redis cluster smoke', () => {
  const seeds = brokerAvailable('redis-cluster') ? brokerUrl('redis-cluster').split(',') : [];
  const cluster = new Cluster(
    seeds.map((seed) => {
      const { hostname, port } = new URL(seed);
      return { host: hostname, port: Number(port) };
    }),
    { lazyConnect: true },
  );
  afterAll(() => cluster.quit());

  it('routes keys across the 3 masters and round-trips a hash-tagged queue', async () => {
    await cluster.connect();
    expect(cluster.nodes('master')).toHaveLength(3);
    // Keys on different slots land on different masters; a hash tag keeps a queue's keys together.
    const tag = `{smoke:${randomUUID()}}`;
    await cluster.lpush(`${tag}:pending`, 'hello');
    expect(await cluster.lmove(`${tag}:pending`, `${tag}:active`, 'RIGHT', 'LEFT')).toBe('hello');
    const keys = Array.from({ length: 30 }, (_, index) => `smoke:${randomUUID()}:${index}`);
    await Promise.all(keys.map((key) => cluster.set(key, key)));
    const owners = new Set(await Promise.all(keys.map(async (key) => (await cluster.cluster('KEYSLOT', key)) as number)));
    expect(owners.size).toBeGreaterThan(1);
    expect(await cluster.get(keys[0] ?? '')).toBe(keys[0]);
  });
});
