import { describe } from 'vitest';
import { callingTests } from './calling-tests.js';
import { canvasFailureTests } from './canvas-failure-tests.js';
import { canvasTests } from './canvas-tests.js';
import { eventTests } from './event-tests.js';
import { limitTests } from './limit-tests.js';
import { poisonTests } from './poison-tests.js';
import { retryTests } from './retry-tests.js';
import { shutdownTests } from './shutdown-tests.js';
import { resolveCapabilities, type TaskConformanceConfig } from './task-conformance-config.js';

/**
 * Registers the task-level conformance suite (call it at the top level of a test file): real
 * tasks sent by an app and run by a worker over the transport under test — calling, retries,
 * time limits, revoke, every canvas shape and its failures, warm shutdown, poison messages and
 * worker events. Tests of capabilities the transport lacks are registered as skipped, with the
 * reason. Every test uses its own queue, so the suite is parallel-safe on a shared broker.
 *
 * @example
 * taskConformance({
 *   name: 'redis',
 *   createApp: () => createApp({ broker: 'redis://localhost:6379/0', backend: 'redis://localhost:6379/1' }),
 *   capabilities: { publishRaw: (app, queue, raw) => redis.lpush(queue, Buffer.from(raw)) },
 * });
 */
export function taskConformance(config: TaskConformanceConfig): void {
  const caps = resolveCapabilities(config.capabilities);
  describe(`task conformance: ${config.name}`, () => {
    describe('calling', () => callingTests(config, caps));
    describe('retries', () => retryTests(config, caps));
    describe('time limits and revoke', () => limitTests(config, caps));
    describe('canvas', () => canvasTests(config, caps));
    describe('canvas failures', () => canvasFailureTests(config, caps));
    describe('warm shutdown', () => shutdownTests(config));
    describe('poison messages', () => poisonTests(config, caps));
    describe('events', () => eventTests(config));
  });
}

export type { TaskConformanceCapabilities, TaskConformanceConfig } from './task-conformance-config.js';
