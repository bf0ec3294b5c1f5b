import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createApp, createTaskMessage, TqError } from '@tq/core';
import { SqsBroker } from '@tq/sqs';
import { afterEach, expect, it } from 'vitest';
import { brokerTlsUrl, sqsTestClientConfig, testCaFile } from '../../harness/index.js';
import { roundTripOverTls } from '../support/tls-checks.js';
import { deleteQueues, endpoint, sqsUrl } from './sqs-test-support.js';

process.env.TQ_LOG_LEVEL ??= 'fatal';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An `sqs://` URL for the harness's HTTPS endpoint (a TLS proxy in front of ElasticMQ) with the CA as a file. */
function tlsUrlWithCa(): string {
  const url = new URL(sqsUrl(`waitTimeSeconds=1&tlsCaFile=${encodeURIComponent(testCaFile())}`));
  url.host = new URL(brokerTlsUrl('sqs')).host;
  return url.href;
}

/** A broker on `endpointUrl` trusting `ca`, and what its first call (a publish) fails with, and when. */
async function failedPublish(endpointUrl: string, ca: string): Promise<{ error: unknown; ms: number }> {
  const broker = new SqsBroker({ clientConfig: sqsTestClientConfig(endpointUrl), tls: { ca: readFileSync(ca) }, waitTimeSeconds: 1 });
  await broker.connect();
  const started = performance.now();
  const error = await broker
    .publish(`tq-it-tls-${randomUUID()}`, createTaskMessage({ task: 't', id: randomUUID() }))
    .catch((e: unknown) => e);
  const ms = performance.now() - started;
  await broker.close();
  return { error, ms };
}

it('publishes, consumes and gets the result over HTTPS with a private CA (from the URL on one side, from the tls option on the other)', async () => {
  const queue = `tq-it-tls-${randomUUID()}`;
  const backend = `memory://sqs-tls-${randomUUID()}`;
  const client = createApp({ broker: tlsUrlWithCa(), backend, defaultQueue: queue });
  const worker = createApp({
    broker: new SqsBroker({
      clientConfig: sqsTestClientConfig(brokerTlsUrl('sqs')),
      tls: { ca: readFileSync(testCaFile()) },
      waitTimeSeconds: 1,
    }),
    backend,
    defaultQueue: queue,
  });
  cleanups.push(async () => {
    await Promise.all([client.close(), worker.close()]);
    await deleteQueues([queue]);
  });
  await roundTripOverTls(client, worker, queue, 15_000);
});

it('a server certificate from a CA the client does not trust fails the first call at once, naming the cause and the fix', async () => {
  const { error, ms } = await failedPublish(brokerTlsUrl('sqs'), testCaFile('other'));
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toMatch(
    /^TLS handshake with 127\.0\.0\.1:\d+ failed: unable to verify the first certificate \(the server's certificate is not signed by a CA this client trusts\); pass the CA with .*tlsCaFile/,
  );
  // Not retried by the SDK.
  expect(ms).toBeLessThan(5_000);
});

it('HTTPS to the plain-HTTP port fails at once saying the server did not speak TLS', async () => {
  const plain = new URL(endpoint);
  const { error, ms } = await failedPublish(`https://${plain.host}`, testCaFile());
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toMatch(
    new RegExp(`^TLS handshake with ${plain.host} failed: the server did not speak TLS .*is this a TLS port\\?`),
  );
  expect(ms).toBeLessThan(5_000);
});
