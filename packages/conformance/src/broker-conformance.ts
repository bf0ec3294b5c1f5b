import { describe } from 'vitest';
import { adminTests } from './broker/admin-tests.js';
import type { BrokerConformanceConfig } from './broker/broker-conformance-config.js';
import { controlChannelTests } from './broker/control-channel-tests.js';
import { deliveryTests } from './broker/delivery-tests.js';
import { eventChannelTests } from './broker/event-channel-tests.js';
import { reliabilityTests } from './broker/reliability-tests.js';
import { schedulingTests } from './broker/scheduling-tests.js';
import { volumeTests } from './broker/volume-tests.js';

/**
 * Registers the broker conformance suite (`transportConformance` calls it). Tests of capabilities
 * the transport does not declare are registered as skipped, with the reason.
 */
export function brokerConformance(config: BrokerConformanceConfig): void {
  describe(`broker conformance: ${config.name}`, () => {
    describe('delivery', () => deliveryTests(config));
    describe('reliability', () => reliabilityTests(config));
    describe('at scale', () => volumeTests(config));
    describe('scheduling', () => schedulingTests(config));
    describe('admin and capabilities', () => adminTests(config));
    describe('remote control channel', () => controlChannelTests(config));
    describe('event channel', () => eventChannelTests(config));
  });
}
