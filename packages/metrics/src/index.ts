export { MetricsServer, type MetricsServerConfig } from './metrics-server.js';
export { TqMetrics, type TqMetricsConfig } from './tq-metrics.js';
