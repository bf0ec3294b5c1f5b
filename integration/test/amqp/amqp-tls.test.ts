import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AmqpBroker, RpcResultBackend } from '@tq/amqp';
import { createApp, TqError } from '@tq/core';
import { afterEach, expect, it } from 'vitest';
import { brokerTlsUrl, brokerUrl, testCaFile } from '../../harness/index.js';
import { failedConnect, roundTripOverTls } from '../support/tls-checks.js';
import { deleteQueues, quietLogger } from './amqp-support.js';

process.env.TQ_LOG_LEVEL ??= 'fatal';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The harness's TLS listener with RabbitMQ's URI parameter for the CA. */
function tlsUrlWithCa(ca = testCaFile()): string {
  const url = new URL(brokerTlsUrl('amqp'));
  url.searchParams.set('cacertfile', ca);
  return url.href;
}

it('publishes, consumes and returns the result over amqps:// (CA from the URL on one side, from the tls option on the other)', async () => {
  const queue = `tq-it-tls-${randomUUID()}`;
  const tls = { ca: readFileSync(testCaFile()) };
  const client = createApp({
    broker: tlsUrlWithCa(),
    backend: new RpcResultBackend({ url: brokerTlsUrl('amqp'), tls, logger: quietLogger }),
    defaultQueue: queue,
  });
  const worker = createApp({
    broker: new AmqpBroker({ url: brokerTlsUrl('amqp'), tls, logger: quietLogger }),
    backend: new RpcResultBackend({ url: brokerTlsUrl('amqp'), tls, logger: quietLogger }),
    defaultQueue: queue,
  });
  cleanups.push(async () => {
    await Promise.all([client.close(), worker.close()]);
    await deleteQueues([queue]);
  });
  await roundTripOverTls(client, worker, queue, 15_000);
});

it('a server certificate from a CA the client does not trust fails at once, naming the cause and the fix', async () => {
  const { error, ms } = await failedConnect(new AmqpBroker({ url: tlsUrlWithCa(testCaFile('other')), logger: quietLogger }));
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toMatch(
    /^TLS handshake with 127\.0\.0\.1:\d+ failed: self-signed certificate in certificate chain \(the server's certificate is not signed by a CA this client trusts\); pass the CA with .*cacertfile/,
  );
  expect(ms).toBeLessThan(5_000);
});

it('a certificate for other names fails as a hostname mismatch', async () => {
  const url = new URL(tlsUrlWithCa());
  url.searchParams.set('server_name_indication', 'wrong.example');
  const { error } = await failedConnect(new AmqpBroker({ url: url.href, logger: quietLogger }));
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toMatch(
    /^TLS handshake with 127\.0\.0\.1:\d+ failed: Hostname\/IP does not match certificate's altnames/,
  );
});

it('amqps:// to the plain-text port fails at once saying the server did not speak TLS', async () => {
  const plain = new URL(brokerUrl('amqp'));
  const { error, ms } = await failedConnect(
    new AmqpBroker({ url: `amqps://guest:guest@${plain.host}`, tls: { ca: readFileSync(testCaFile()) }, logger: quietLogger }),
  );
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toMatch(
    new RegExp(
      `^TLS handshake with ${plain.host} failed: the server did not speak TLS \\(.*\\): is this a TLS port\\? Use amqp:// for a plain-text port\\.$`,
    ),
  );
  expect(ms).toBeLessThan(5_000);
});

it('TLS parameters on an amqp:// URL are refused: the scheme says whether the port speaks TLS', async () => {
  const app = createApp({ broker: `${brokerUrl('amqp')}?cacertfile=${encodeURIComponent(testCaFile())}` });
  await expect(app.connect()).rejects.toThrow(/URL parameter cacertfile needs an amqps:\/\/ URL/);
  await app.close();
});
