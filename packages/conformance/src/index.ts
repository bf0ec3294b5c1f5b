/**
 * `@tq/conformance`: the suites every tq transport passes, behind ONE entry point. A transport's
 * test file calls `transportConformance` with its factories; the broker, backend, lifecycle, task
 * and restart suites it registers read what the transport can do from the objects it builds.
 *
 * Set `TQ_STRESS=N` to run every suite N times at once (flake hunting).
 */

export { captureLogger, type LogLine } from './support/capture-logger.js';
export { transportConformance } from './transport-conformance.js';
export type { BrokerFactoryOptions, PairedBackend, TransportConformanceConfig } from './transport-conformance-config.js';
