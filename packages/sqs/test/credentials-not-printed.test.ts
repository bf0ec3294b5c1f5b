import { defaultLogger } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { transport } from '../src/index.js';

const SECRET = 'S3cr3t-Pa55';

describe('the SQS secret key in the URL is never printed', () => {
  it("the broker's address is the endpoint's host:port only", async () => {
    const broker = transport.createBroker?.(new URL(`sqs://AKIAEXAMPLE:${SECRET}@127.0.0.1:9324`), { logger: defaultLogger() });
    // connect() does no network I/O on SQS: it names the endpoint.
    await broker?.connect();
    expect(broker?.address).toBe('127.0.0.1:9324');
    await broker?.close({ force: true });
  });

  it('an incomplete credential pair is refused without echoing the key', () => {
    let error: unknown;
    try {
      transport.createBroker?.(new URL(`sqs://${SECRET}@127.0.0.1:9324`), { logger: defaultLogger() });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toMatch(/credentials need both parts/);
    expect((error as Error).message).not.toContain(SECRET);
  });
});
