import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createApp, TqError } from '@tq/core';
import { RedisBroker, RedisResultBackend } from '@tq/redis';
import { afterEach, expect, it } from 'vitest';
import { brokerTlsUrl, brokerUrl, testCaFile } from '../../harness/index.js';
import { failedConnect, roundTripOverTls } from '../support/tls-checks.js';

process.env.TQ_LOG_LEVEL ??= 'fatal';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The harness's TLS port with the CA given in the URL, as a Celery user would write it. */
function tlsUrlWithCa(ca = testCaFile()): string {
  const url = new URL(brokerTlsUrl('redis'));
  url.searchParams.set('ssl_ca_certs', ca);
  return url.href;
}

it('publishes, consumes and stores the result over rediss:// (CA from the URL on one side, from the tls option on the other)', async () => {
  const queue = `tq-it-tls-${randomUUID()}`;
  const client = createApp({ broker: tlsUrlWithCa(), backend: tlsUrlWithCa(), defaultQueue: queue });
  const tls = { ca: readFileSync(testCaFile()) };
  const worker = createApp({
    broker: new RedisBroker({ url: brokerTlsUrl('redis'), tls }),
    backend: new RedisResultBackend({ url: brokerTlsUrl('redis'), tls }),
    defaultQueue: queue,
  });
  cleanups.push(() => Promise.all([client.close(), worker.close()]).then(() => {}));
  await roundTripOverTls(client, worker, queue, 15_000);
});

it('a server certificate from a CA the client does not trust fails at once, naming the cause and the fix', async () => {
  const { error, ms } = await failedConnect(new RedisBroker({ url: tlsUrlWithCa(testCaFile('other')) }));
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toMatch(
    /^TLS handshake with 127\.0\.0\.1:\d+ failed: self-signed certificate in certificate chain \(the server's certificate is not signed by a CA this client trusts\); pass the CA with .*ssl_ca_certs/,
  );
  // Not ioredis's 10 s connect timeout, nor its reconnect loop.
  expect(ms).toBeLessThan(5_000);
});

it('a certificate for other names fails as a hostname mismatch', async () => {
  const broker = new RedisBroker({ url: brokerTlsUrl('redis'), tls: { ca: readFileSync(testCaFile()), servername: 'wrong.example' } });
  const { error } = await failedConnect(broker);
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toMatch(
    /^TLS handshake with 127\.0\.0\.1:\d+ failed: Hostname\/IP does not match certificate's altnames: .*wrong\.example.*; connect by a name the certificate lists/,
  );
});

it('rediss:// to a plain-text port fails within seconds saying the server did not speak TLS (not "Connection is closed." after 10 s)', async () => {
  const plain = new URL(brokerUrl('redis'));
  const { error, ms } = await failedConnect(new RedisBroker({ url: `rediss://${plain.host}` }));
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toBe(
    `TLS handshake with ${plain.host} failed: the server did not speak TLS (it answers plain-text Redis there): is this a TLS port? Use redis:// for this port, or rediss:// with the server's tls-port.`,
  );
  expect(ms).toBeLessThan(5_000);
});

it('redis:// to a TLS port is named as such', async () => {
  const tlsPort = new URL(brokerTlsUrl('redis'));
  const { error, ms } = await failedConnect(new RedisBroker({ url: `redis://${tlsPort.host}` }));
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toBe(
    `Redis at ${tlsPort.host} speaks TLS (it closed the plain-text connection and completed a TLS handshake): use rediss:// for this port.`,
  );
  expect(ms).toBeLessThan(5_000);
});
