import { describe } from 'vitest';
import type { BackendConformanceConfig } from './backend/backend-conformance-config.js';
import { backendTests } from './backend/backend-tests.js';

/**
 * Registers the result backend conformance suite (`transportConformance` calls it). Tests of
 * capabilities the backend does not declare are registered as skipped, with the reason.
 */
export function backendConformance(config: BackendConformanceConfig): void {
  describe(`result backend conformance: ${config.name}`, () => backendTests(config));
}
