import { describe } from 'vitest';
import { callingTests } from './calling-tests.js';
import { canvasFailureTests } from './canvas-failure-tests.js';
import { canvasTests } from './canvas-tests.js';
import { controlTests } from './control-tests.js';
import { deduplicateTests } from './deduplicate-tests.js';
import { deliveryLimitTests } from './delivery-limit-tests.js';
import { eventTests } from './event-tests.js';
import { limitTests } from './limit-tests.js';
import { monitoringEventTests } from './monitoring-event-tests.js';
import { poisonTests } from './poison-tests.js';
import { retryRaceTests } from './retry-race-tests.js';
import { retryTests } from './retry-tests.js';
import { shutdownTests } from './shutdown-tests.js';
import { signingTests } from './signing-tests.js';
import type { TaskConformanceConfig } from './task-conformance-config.js';
import { volumeTests } from './volume-tests.js';

/**
 * Registers the task-level conformance suite (`transportConformance` calls it for every broker +
 * backend combination): real tasks sent by an app and run by a worker over the transport under
 * test — calling, retries, time limits, revoke, every canvas shape and its failures, warm
 * shutdown, poison messages, the delivery limit, worker events, remote control and monitoring events. Tests of capabilities the combination lacks are
 * registered as skipped, with the reason. Every test uses its own queue, so the suite is
 * parallel-safe on a shared broker.
 */
export function taskConformance(config: TaskConformanceConfig): void {
  const caps = config.capabilities;
  describe(`task conformance: ${config.name}`, () => {
    describe('calling', () => callingTests(config, caps));
    describe('deduplicate', () => deduplicateTests(config, caps));
    describe('retries', () => {
      retryTests(config, caps);
      retryRaceTests(config);
    });
    describe('time limits and revoke', () => limitTests(config, caps));
    describe('canvas', () => canvasTests(config, caps));
    describe('canvas failures', () => canvasFailureTests(config, caps));
    describe('warm shutdown', () => shutdownTests(config));
    describe('poison messages', () => poisonTests(config, caps));
    describe('message signing', () => signingTests(config, caps));
    describe('delivery limit', () => deliveryLimitTests(config, caps));
    describe('events', () => eventTests(config));
    describe('remote control', () => controlTests(config, caps));
    describe('monitoring events', () => monitoringEventTests(config));
    describe('at scale', () => volumeTests(config));
  });
}
