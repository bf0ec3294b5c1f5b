import type { App, Worker } from '@tq/core';
import { MetricsServer, TqMetrics } from '@tq/metrics';

/** Ports of `tq worker --metrics-port` and `--health-port`; either may be absent, both may be the same. */
export interface ObservabilityPorts {
  metricsPort?: number;
  healthPort?: number;
}

/**
 * The worker's HTTP endpoints: `/metrics` on the metrics port, `/health/live` and `/health/ready`
 * on the health port (one server when the ports are the same). Listening starts at once, so
 * probes answer (not ready) while the worker waits for its broker; the metrics listen to the app
 * from `startMetrics()`, once the worker is started.
 */
export class ObservabilityServers {
  private readonly metrics: TqMetrics | undefined;
  private readonly servers: MetricsServer[] = [];

  constructor(app: App, worker: Worker, ports: ObservabilityPorts) {
    const { metricsPort, healthPort } = ports;
    this.metrics = metricsPort === undefined ? undefined : new TqMetrics(app, { worker });
    const registry = this.metrics?.registry;
    if (metricsPort !== undefined && metricsPort === healthPort)
      this.servers.push(new MetricsServer({ port: metricsPort, registry, worker }));
    else {
      if (metricsPort !== undefined) this.servers.push(new MetricsServer({ port: metricsPort, registry }));
      if (healthPort !== undefined) this.servers.push(new MetricsServer({ port: healthPort, worker }));
    }
  }

  /** Listen on every port; a port in use fails here, before the worker starts. */
  async listen(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.start()));
  }

  /** Count from now on (the worker is started, its broker connected). */
  startMetrics(): Promise<void> {
    return this.metrics?.start() ?? Promise.resolve();
  }

  async close(): Promise<void> {
    this.metrics?.close();
    await Promise.all(this.servers.map((server) => server.close()));
  }
}
