import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createServer } from 'node:tls';
import { spliceSockets } from './splice-sockets.js';
import type { TestCertificates } from './test-certificates.js';

/** A running {@link tlsTerminatingProxy}. */
export interface TlsTerminatingProxy {
  /** The TLS port on 127.0.0.1. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Test infrastructure only: a TLS listener on a free loopback port that forwards the plain bytes
 * to `targetPort`, for brokers that have no TLS of their own (ElasticMQ), so a client's HTTPS with a
 * custom CA is exercised for real. It serves the run's test certificate for `127.0.0.1`/`localhost`.
 */
export async function tlsTerminatingProxy(targetPort: number, certificates: TestCertificates): Promise<TlsTerminatingProxy> {
  const open = new Set<Socket>();
  const server = createServer({ cert: readFileSync(certificates.cert), key: readFileSync(certificates.key) }, (client) => {
    spliceSockets(client, connect(targetPort, '127.0.0.1'), open);
  });
  // A client that rejects the certificate aborts the handshake; that is what some tests want.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the TLS proxy has no port');
  return {
    port: address.port,
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
