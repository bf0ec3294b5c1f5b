import { AmqpBroker } from '@tq/amqp';
import { TqError } from '@tq/core';
import { expect, it } from 'vitest';
import { amqpUrl, quietLogger } from './amqp-support.js';

async function connectError(url: string): Promise<unknown> {
  const broker = new AmqpBroker({ url, logger: quietLogger });
  const error = await broker.connect().catch((e: unknown) => e);
  await broker.close().catch(() => undefined);
  return error;
}

it('a virtual host that does not exist is named as such, not as a protocol error', async () => {
  const url = new URL(amqpUrl());
  url.pathname = '/no-such-vhost';
  const error = await connectError(url.href);
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toMatch(/refused virtual host 'no-such-vhost': it does not exist or the user may not use it/);
});

it('wrong credentials are named as such, and the password is not printed', async () => {
  const url = new URL(amqpUrl());
  url.password = 'not-the-password';
  const error = await connectError(url.href);
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toMatch(/refused the credentials in the URL/);
  expect((error as Error).message).not.toContain('not-the-password');
});
