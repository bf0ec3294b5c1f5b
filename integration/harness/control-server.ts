import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServiceName, serviceNames } from './service-names.js';
import type { Brokers } from './start-brokers.js';

/** A running control endpoint. */
export interface ControlServer {
  /** `http://127.0.0.1:<port>/<token>`; workers POST to `<url>/restart/<service>`. */
  url: string;
  close(): Promise<void>;
}

/**
 * A tiny HTTP endpoint on loopback through which test workers (separate processes) ask the
 * process that owns the brokers to restart one. A random token in the path keeps other
 * local users from poking at it.
 */
export async function controlServer(brokers: Brokers): Promise<ControlServer> {
  const token = randomBytes(16).toString('hex');
  const server = createServer((request, response) => {
    const match = /^\/([0-9a-f]+)\/restart\/([a-z-]+)$/.exec(request.url ?? '');
    const service = serviceNames.find((name) => name === match?.[2]);
    if (request.method !== 'POST' || match?.[1] !== token || !service) {
      response.writeHead(404).end();
      return;
    }
    brokers.restart(service as ServiceName).then(
      () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(brokers.env())),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${token}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
