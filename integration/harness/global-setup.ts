import type { TestProject } from 'vitest/node';
import { ensureChromium } from './browser.js';
import { controlServer } from './control-server.js';
import { installExitGuards } from './exit-guards.js';
import { harnessEnv } from './harness-env.js';
import { stateDir } from './paths.js';
import { ensurePythonVenv } from './python-venv.js';
import { selectedServices } from './selected-services.js';
import { startBrokers } from './start-brokers.js';
import { reapStaleStates } from './state-file.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Env vars of the brokers this run provides, e.g. `{ REDIS_URL: 'redis://127.0.0.1:40123' }`. */
    brokers: Record<string, string>;
  }
}

/** The brokers of this vitest process, shared by every project that uses this setup. */
interface SharedBrokers {
  env: Record<string, string>;
  users: number;
  stop: () => Promise<void>;
}

// On globalThis, not in a module variable: vitest loads this file once per project, each in its
// own module graph, and the `integration` and `chaos` projects must share one broker set.
const shared = Symbol.for('tq.harness.brokers');
type WithShared = typeof globalThis & { [shared]?: Promise<SharedBrokers> };

/**
 * Vitest globalSetup of the `integration` and `chaos` projects: provides the brokers selected by
 * `TRANSPORTS` once per run (a second project reuses the first one's), hands their URLs to test
 * workers (env vars, also `inject('brokers')`), serves restarts, and stops everything when the
 * last project is done, on failure, and on Ctrl-C.
 */
export default async function globalSetup(project: TestProject): Promise<() => Promise<void>> {
  const holder = globalThis as WithShared;
  holder[shared] ??= provideBrokers().catch((error: unknown) => {
    holder[shared] = undefined;
    throw error;
  });
  const brokers = await holder[shared];
  brokers.users++;
  project.provide('brokers', brokers.env);
  return async () => {
    if (--brokers.users > 0) return;
    holder[shared] = undefined;
    await brokers.stop();
  };
}

async function provideBrokers(): Promise<SharedBrokers> {
  const runsDir = `${stateDir}/runs`;
  await reapStaleStates(runsDir);
  // The Python peer's virtualenv is built while the brokers start: a cold one takes a minute of pip.
  const [python, started, chromium] = await Promise.allSettled([
    ensurePythonVenv(),
    startBrokers({ services: selectedServices(), stateFile: `${runsDir}/vitest-${process.pid}.json` }),
    ensureChromium(),
  ]);
  if (started.status === 'rejected') throw started.reason;
  const brokers = started.value;
  if (python.status === 'rejected') {
    await brokers.stop();
    throw python.reason;
  }
  const removeGuards = installExitGuards(brokers);
  const control = await controlServer(brokers);
  const running = [...brokers.services.values()];
  const env = {
    ...brokers.env(),
    [harnessEnv.provided]: running.map((s) => s.name).join(','),
    [harnessEnv.restartable]: running
      .filter((s) => s.mode !== 'external')
      .map((s) => s.name)
      .join(','),
    [harnessEnv.control]: control.url,
    [harnessEnv.python]: python.value,
    [harnessEnv.chromium]: chromium.status === 'fulfilled' ? chromium.value : `error: ${(chromium.reason as Error).message}`,
  };
  // Test workers are forked after globalSetup returns, so they inherit these.
  Object.assign(process.env, env);
  return {
    env: brokers.env(),
    users: 0,
    stop: async () => {
      await control.close();
      await brokers.stop();
      removeGuards();
    },
  };
}
