/**
 * `@tq/conformance`: the suites every tq transport passes, behind two entry points. A transport's
 * test file calls `transportConformance` with its factories; the broker, backend, lifecycle and task
 * suites it registers read what the transport can do from the objects it builds. A broker whose
 * server the harness can bounce also calls `restartConformance`, from a file that runs alone.
 *
 * Set `TQ_STRESS=N` to run every suite N times at once (flake hunting).
 */

export { type MetricsConformanceConfig, metricsConformance } from './metrics/metrics-conformance.js';
export { type PrometheusSample, parsePrometheusText, sampleValue } from './metrics/prometheus-text.js';
export { restartConformance, type TransportRestartConfig } from './restart-conformance.js';
export { captureLogger, type LogLine } from './support/capture-logger.js';
export { transportConformance } from './transport-conformance.js';
export type { BrokerFactoryOptions, PairedBackend, TransportConformanceConfig } from './transport-conformance-config.js';
