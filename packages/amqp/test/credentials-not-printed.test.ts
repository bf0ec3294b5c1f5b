import { defaultLogger } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { transport } from '../src/index.js';

const PASSWORD = 'S3cr3t-Pa55';
const context = { logger: defaultLogger() };

describe('an AMQP password is never printed', () => {
  it("the broker's address is host:port only", () => {
    expect(transport.createBroker?.(new URL(`amqp://guest:${PASSWORD}@rabbit.local:5673/vhost`), context)?.address).toBe(
      'rabbit.local:5673',
    );
    expect(transport.createBroker?.(new URL(`amqps://guest:${PASSWORD}@rabbit.local/vhost`), context)?.address).toBe('rabbit.local:5671');
  });

  it('a failed connection names host and port, not the credentials', async () => {
    // Port 1 on the loopback: nothing listens, the connection is refused at once.
    const broker = transport.createBroker?.(new URL(`amqp://guest:${PASSWORD}@127.0.0.1:1/`), context);
    const error = await broker?.connect().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/127\.0\.0\.1:1/);
    expect((error as Error).message).not.toContain(PASSWORD);
    await broker?.close({ force: true });
  });
});
