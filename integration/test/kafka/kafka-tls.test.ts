import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createApp, TqError } from '@tq/core';
import { KafkaBroker } from '@tq/kafka';
import { afterEach, expect, it } from 'vitest';
import { brokerTlsUrl, testCaFile } from '../../harness/index.js';
import { roundTripOverTls } from '../support/tls-checks.js';
import { deleteQueues, kafkaSeeds, TEST_TIERS_MS, testConfig, uniqueQueue } from './kafka-support.js';

process.env.TQ_LOG_LEVEL ??= 'fatal';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A `kafka://` URL for the harness's SSL listener with the test settings and the CA as a file. */
function tlsUrlWithCa(ca = testCaFile()): string {
  const url = new URL(`kafka://${brokerTlsUrl('kafka')}`);
  url.searchParams.set('tls', 'true');
  url.searchParams.set('tlsCaFile', ca);
  url.searchParams.set('partitions', '1');
  url.searchParams.set('delayTiersMs', TEST_TIERS_MS.join(','));
  return url.href;
}

async function failedConnect(broker: KafkaBroker): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await broker.connect().catch((e: unknown) => e);
  return { error, ms: performance.now() - started };
}

it('publishes, consumes and gets the result over the SSL listener (CA from the URL on one side, from the tls option on the other)', async () => {
  const queue = uniqueQueue('tls');
  const backend = `memory://kafka-tls-${randomUUID()}`;
  const client = createApp({ broker: tlsUrlWithCa(), backend, defaultQueue: queue });
  const worker = createApp({
    broker: new KafkaBroker(testConfig({ brokers: [brokerTlsUrl('kafka')], tls: { ca: readFileSync(testCaFile()) } })),
    backend,
    defaultQueue: queue,
  });
  cleanups.push(async () => {
    await Promise.all([client.close(), worker.close()]);
    await deleteQueues([queue]);
  });
  await roundTripOverTls(client, worker, queue, 30_000);
});

it('a server certificate from a CA the client does not trust fails at once, naming the cause and the fix', async () => {
  const broker = new KafkaBroker(testConfig({ brokers: [brokerTlsUrl('kafka')], tls: { ca: readFileSync(testCaFile('other')) } }));
  const { error, ms } = await failedConnect(broker);
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toMatch(
    // Kafka sends its certificate without the CA's: Node says "unable to verify the first certificate".
    /^TLS handshake with 127\.0\.0\.1:\d+ failed: unable to verify the first certificate \(the server's certificate is not signed by a CA this client trusts\); pass the CA with .*tlsCaFile/,
  );
  // Not kafkajs's retries (about 10 s with its defaults).
  expect(ms).toBeLessThan(5_000);
});

it('TLS to the plain-text listener fails at once saying the server did not speak TLS', async () => {
  const [plain = ''] = kafkaSeeds();
  const broker = new KafkaBroker(testConfig({ brokers: [plain], tls: { ca: readFileSync(testCaFile()) } }));
  const { error, ms } = await failedConnect(broker);
  expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
  expect((error as Error).message).toMatch(
    new RegExp(`^TLS handshake with ${plain} failed: the server did not speak TLS .*is this a TLS port\\?`),
  );
  expect(ms).toBeLessThan(5_000);
});
