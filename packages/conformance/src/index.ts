/**
 * `@tq/conformance`: the suites every tq transport passes, as functions that register vitest
 * suites. A transport's test file calls them with a factory and its declared capabilities.
 *
 * Suites:
 * - `brokerConformance`: the Broker contract.
 * - `backendConformance`: the ResultBackend contract.
 * - Task-level scenarios (retries, time limits, chain/group/chord incl. failures) run a real app
 *   and worker over a transport; they join here as their own suite once the runtime lands.
 */

export type { BackendConformanceConfig } from './backend/backend-conformance-config.js';
export { backendConformance } from './backend-conformance.js';
export type { BrokerConformanceConfig } from './broker/broker-conformance-config.js';
export { brokerConformance } from './broker-conformance.js';
export { type TaskConformanceCapabilities, type TaskConformanceConfig, taskConformance } from './task/task-conformance.js';
