import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../src/parse-redis-url.js';

describe('parseRedisUrl', () => {
  it('reads host, port, db, credentials and tls', () => {
    const url = parseRedisUrl('rediss://user:p%40ss@cache.local:6380/3?keyPrefix=app');
    expect(url).toMatchObject({
      nodes: [{ host: 'cache.local', port: 6380 }],
      db: 3,
      username: 'user',
      password: 'p@ss',
      tls: true,
      cluster: false,
    });
    expect(url.params.get('keyPrefix')).toBe('app');
  });

  it('defaults to 127.0.0.1:6379 db 0', () => {
    expect(parseRedisUrl('redis://')).toMatchObject({ nodes: [{ host: '127.0.0.1', port: 6379 }], db: 0 });
  });

  it('reads a cluster from comma-separated hosts or from ?cluster=true&nodes=', () => {
    expect(parseRedisUrl('redis://a:7000,b:7001?cluster=true')).toMatchObject({
      cluster: true,
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
    });
    expect(parseRedisUrl(new URL('redis://a:7000?cluster=true&nodes=b:7001,c:7002')).nodes).toHaveLength(3);
    expect(parseRedisUrl('redis://a:7000?cluster=1').cluster).toBe(true);
  });

  it('refuses what it cannot honour', () => {
    expect(() => parseRedisUrl('amqp://x')).toThrow(/redis:\/\//);
    expect(() => parseRedisUrl('redis://a:1/x')).toThrow(/database/);
    expect(() => parseRedisUrl('redis://a:1,b:2/1')).toThrow(/only database 0/);
  });
});
