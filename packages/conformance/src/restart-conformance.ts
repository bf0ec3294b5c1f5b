import { type BackendCapabilities, createApp } from '@tq/core';
import { describe } from 'vitest';
import { restartTests } from './restart/restart-tests.js';
import { resolveCapabilities } from './task/task-conformance-config.js';
import { DEFAULT_TASK_VISIBILITY_TIMEOUT_MS } from './transport-conformance.js';
import type { TransportConformanceConfig } from './transport-conformance-config.js';

/** How a transport joins the restart suite: its broker factory and the harness's restart. */
export interface TransportRestartConfig
  extends Pick<TransportConformanceConfig, 'name' | 'cleanup' | 'taskVisibilityTimeoutMs'>,
    Required<Pick<TransportConformanceConfig, 'createBroker'>> {
  /**
   * Restarts the broker's server (through the test harness) and resolves once it answers again;
   * clients must reconnect by themselves. Give it only where a restart keeps the server's data, as
   * a real deployment does (not for an in-memory stand-in).
   */
  restart(): Promise<void>;
}

/**
 * Registers `broker restart: <name>`: the server bounces under a running producer and worker.
 * Its own entry point, beside `transportConformance`, because a restart takes down whatever else
 * uses the server at that moment: call it from a test file that runs alone (never stressed, never
 * beside other files).
 */
export function restartConformance(config: TransportRestartConfig): void {
  const { createBroker, name } = config;
  const visibilityTimeoutMs = config.taskVisibilityTimeoutMs ?? DEFAULT_TASK_VISIBILITY_TIMEOUT_MS;
  const capabilities = createBroker({ visibilityTimeoutMs }).capabilities;
  describe(`broker restart: ${name}`, () =>
    restartTests({
      name,
      capabilities: resolveCapabilities(capabilities, NO_BACKEND),
      // The broker alone: what is checked is what the broker confirmed and redelivers.
      createApp: () => createApp({ broker: createBroker({ visibilityTimeoutMs }) }),
      cleanup: config.cleanup,
      restart: config.restart,
    }));
}

/** What an app without a result backend can count on. */
const NO_BACKEND: BackendCapabilities = {
  atomicCounters: false,
  watch: false,
  ttl: false,
  groups: false,
  shared: false,
  revokes: false,
  claims: false,
  schedules: false,
};
