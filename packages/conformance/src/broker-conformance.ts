import { describe } from 'vitest';
import { adminTests } from './broker/admin-tests.js';
import type { BrokerConformanceConfig } from './broker/broker-conformance-config.js';
import { deliveryTests } from './broker/delivery-tests.js';
import { reliabilityTests } from './broker/reliability-tests.js';
import { schedulingTests } from './broker/scheduling-tests.js';

/**
 * Registers the broker conformance suite (call it at the top level of a test file). Tests of
 * capabilities the transport does not declare are registered as skipped, with the reason.
 *
 * @example
 * brokerConformance({
 *   name: 'memory',
 *   capabilities: new MemoryBroker().capabilities,
 *   createBroker: ({ visibilityTimeoutMs }) => new MemoryBroker({ name: 'conformance', visibilityTimeoutMs }),
 * });
 */
export function brokerConformance(config: BrokerConformanceConfig): void {
  describe(`broker conformance: ${config.name}`, () => {
    describe('delivery', () => deliveryTests(config));
    describe('reliability', () => reliabilityTests(config));
    describe('scheduling', () => schedulingTests(config));
    describe('admin and capabilities', () => adminTests(config));
  });
}
