import { defaultLogger } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { transport } from '../src/index.js';
import { parseRedisUrl } from '../src/parse-redis-url.js';

const PASSWORD = 'S3cr3t-Pa55';

describe('a Redis password is never printed', () => {
  it("the broker's address is host:port only, for a cluster too", () => {
    const url = new URL(`redis://user:${PASSWORD}@127.0.0.1:6390/2`);
    const broker = transport.createBroker?.(url, { logger: defaultLogger() });
    expect(broker?.address).toBe('127.0.0.1:6390');
    const cluster = transport.createBroker?.(new URL(`redis://:${PASSWORD}@a:7000?cluster=true&nodes=b:7001`), { logger: defaultLogger() });
    expect(cluster?.address).toBe('a:7000,b:7001');
  });

  it('a URL that does not parse is named with the password masked, and without the URL error as cause', () => {
    let error: unknown;
    try {
      parseRedisUrl(`redis://user:p#${PASSWORD}@host:6379/0`);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toBe(
      "'redis://user:***@host:6379/0' is not a Redis URL; expected e.g. redis://localhost:6379/0 (percent-encode any # / ? @ in the password)",
    );
    expect((error as Error).cause).toBeUndefined();
  });
});
