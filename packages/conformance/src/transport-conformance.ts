import { type BackendCapabilities, createApp, type ResultBackend } from '@tq/core';
import { describe, it } from 'vitest';
import type { BackendConformanceConfig } from './backend/backend-conformance-config.js';
import { backendConformance } from './backend-conformance.js';
import type { BrokerConformanceConfig } from './broker/broker-conformance-config.js';
import { brokerConformance } from './broker-conformance.js';
import { backendLifecycleTests, brokerLifecycleTests } from './lifecycle/lifecycle-tests.js';
import { stressCopies } from './stress.js';
import { taskConformance } from './task/task-conformance.js';
import { type ResolvedCapabilities, resolveCapabilities, type TaskConformanceConfig } from './task/task-conformance-config.js';
import type { TransportConformanceConfig } from './transport-conformance-config.js';

const DEFAULT_VISIBILITY_TIMEOUT_MS = 500;
/** Visibility timeout of the task suite's brokers (and of the restart suite's, see restart-conformance.ts). */
export const DEFAULT_TASK_VISIBILITY_TIMEOUT_MS = 2000;
const DEFAULT_VOLUME = { messages: 2000, consumers: 24 };
/** Results of the task suite expire by themselves (test records are not worth a clean-up pass). */
const TASK_RESULT_EXPIRES_MS = 10 * 60_000;

/**
 * The main entry point of `@tq/conformance` (in the spirit of watermill's `TestPubSub`): a transport
 * joins every suite with its factories and nothing else; call it once, at the top level of the
 * transport's test file. What the transport can do is read from the objects the factories build
 * (`capabilities`), so the suites run every declared capability and register the rest as skipped,
 * with the reason. Suites registered:
 *
 * - `broker conformance: <name>` (with `createBroker`): delivery, reliability, scale, scheduling,
 *   admin and capability honesty — through core's `RuntimeBroker`, as apps use brokers;
 * - `result backend conformance: <name>` (with `createBackend`): records, expiry, push, groups,
 *   the chord counter — through core's `RuntimeBackend`;
 * - `broker lifecycle: <name>` / `result backend lifecycle: <name>`: shared connect, close during
 *   connect, clear errors after close, idempotent close;
 * - `task conformance: <broker>+<backend>` (a broker with its own backend and/or `pairWith`): a
 *   real app and worker over the combination — calling, retries, limits, revoke, canvas, shutdown,
 *   poison messages, events, scale;
 *
 * The restart suite has its own entry point, {@link restartConformance}: it takes the server down
 * under everything that runs beside it, so its file must run alone.
 *
 * `TQ_STRESS=N` registers every suite N times, running at once, to hunt flakes
 * (raise vitest's `--maxConcurrency` to run more tests at the same moment).
 *
 * @example
 * transportConformance({
 *   name: 'redis',
 *   createBroker: ({ visibilityTimeoutMs }) => new RedisBroker({ url, visibilityTimeoutMs }),
 *   createBackend: () => new RedisResultBackend({ url }),
 *   publishRaw: (broker, queue, raw) => (broker as RedisBroker).publishRaw(queue, raw),
 * });
 */
export function transportConformance(config: TransportConformanceConfig): void {
  const copies = stressCopies();
  const stressed = copies > 1;
  const { createBroker, createBackend, name } = config;
  const visibilityTimeoutMs = config.visibilityTimeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS;
  const taskVisibilityTimeoutMs = config.taskVisibilityTimeoutMs ?? DEFAULT_TASK_VISIBILITY_TIMEOUT_MS;
  if (!createBroker && !createBackend) throw new TypeError(`transportConformance(${name}): give createBroker, createBackend or both`);

  // Read once, from objects the factories build (constructors do no I/O).
  const brokerCaps = createBroker?.({ visibilityTimeoutMs }).capabilities;
  const backendCaps = createBackend?.().capabilities;

  const broker: BrokerConformanceConfig | undefined =
    createBroker && brokerCaps
      ? {
          name,
          capabilities: brokerCaps,
          createBroker,
          cleanup: config.cleanup,
          publishRaw: config.publishRaw,
          visibilityTimeoutMs,
          delayToleranceMs: config.delayToleranceMs,
          volume: { ...DEFAULT_VOLUME, ...config.volume },
          stressed,
        }
      : undefined;
  const backend: BackendConformanceConfig | undefined =
    createBackend && backendCaps
      ? { name: config.backendName ?? name, capabilities: backendCaps, createBackend, cleanup: config.cleanupResults, stressed }
      : undefined;

  /** One broker + backend combination of the task suite, or why it cannot run here. */
  type Combination = { name: string; config?: TaskConformanceConfig; unavailable?: string };
  const combinations: Combination[] = [];
  if (createBroker && brokerCaps) {
    const publishRaw = config.publishRaw;
    const rawInjection: ResolvedCapabilities['publishRaw'] = publishRaw
      ? async (app, queue, raw) => publishRaw((await app.broker()).transport, queue, raw)
      : undefined;
    const combine = (backendName: string, makeBackend: () => ResultBackend, caps: BackendCapabilities): TaskConformanceConfig => ({
      name: `${name}+${backendName}`,
      capabilities: resolveCapabilities(brokerCaps, caps, rawInjection),
      createApp: () =>
        createApp({
          broker: createBroker({ visibilityTimeoutMs: taskVisibilityTimeoutMs }),
          backend: makeBackend(),
          resultExpiresMs: TASK_RESULT_EXPIRES_MS,
        }),
      cleanup: config.cleanup,
    });
    if (createBackend && backendCaps) {
      const own = config.backendName ?? name;
      combinations.push({ name: `${name}+${own}`, config: combine(own, createBackend, backendCaps) });
    }
    for (const pair of config.pairWith ?? []) {
      const combination = `${name}+${pair.name}`;
      if (pair.unavailable) combinations.push({ name: combination, unavailable: pair.unavailable });
      else combinations.push({ name: combination, config: combine(pair.name, pair.createBackend, pair.createBackend().capabilities) });
    }
  }

  const register = () => {
    if (broker) {
      brokerConformance(broker);
      describe(`broker lifecycle: ${name}`, () => brokerLifecycleTests(broker));
    }
    if (backend) {
      backendConformance(backend);
      describe(`result backend lifecycle: ${backend.name}`, () => backendLifecycleTests(backend));
    }
    for (const combination of combinations) {
      if (combination.config) taskConformance(combination.config);
      else describe(`task conformance: ${combination.name}`, () => it.skip(`[skipped: ${combination.unavailable}]`, () => {}));
    }
  };

  if (stressed) {
    // Every copy at once: the tests share the broker, as parallel test runs and busy apps do.
    describe.concurrent(`TQ_STRESS=${copies}: ${name}`, () => {
      for (let copy = 1; copy <= copies; copy++) describe(`run ${copy} of ${copies}`, register);
    });
  } else {
    register();
  }
}
