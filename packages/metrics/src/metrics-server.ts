import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker, WorkerHealth } from '@tq/core';
import type { Registry } from 'prom-client';

/** What a {@link MetricsServer} serves; each part is optional, so metrics and health can have ports of their own. */
export interface MetricsServerConfig {
  /** Port to listen on; 0 picks a free one (read `port` after `start()`). */
  port: number;
  /** Interface to bind. Default `0.0.0.0`: Prometheus and the kubelet reach the pod from outside. */
  host?: string;
  /** Served on `GET /metrics`. Default: no `/metrics`. */
  registry?: Registry;
  /** Answers `GET /health/live` and `GET /health/ready` from `worker.health()`. Default: no health routes. */
  worker?: Worker;
}

/**
 * A small HTTP server for a worker: `/metrics` (Prometheus exposition) and `/health/live`,
 * `/health/ready` (200 when the check holds, 503 when not; the body is the `WorkerHealth` as
 * JSON). Anything else is 404. `start()` listens, `close()` stops.
 */
export class MetricsServer {
  private server: Server | undefined;

  constructor(private readonly config: MetricsServerConfig) {}

  /** The port listened on (the chosen one when configured with 0). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.config.port;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : String(error));
      });
    });
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(this.config.port, this.config.host ?? '0.0.0.0', resolve),
    );
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const { registry, worker } = this.config;
    if (request.method === 'GET' && path === '/metrics' && registry) {
      const body = await registry.metrics();
      response.writeHead(200, { 'content-type': registry.contentType }).end(body);
      return;
    }
    if (request.method === 'GET' && worker && (path === '/health/live' || path === '/health/ready')) {
      const health: WorkerHealth = await worker.health();
      const ok = path === '/health/live' ? health.live : health.ready;
      response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(health));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }
}
