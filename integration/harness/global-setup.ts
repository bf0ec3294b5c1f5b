import type { TestProject } from 'vitest/node';
import { controlServer } from './control-server.js';
import { installExitGuards } from './exit-guards.js';
import { harnessEnv } from './harness-env.js';
import { stateDir } from './paths.js';
import { selectedServices } from './selected-services.js';
import { startBrokers } from './start-brokers.js';
import { reapStaleStates } from './state-file.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Env vars of the brokers this run provides, e.g. `{ REDIS_URL: 'redis://127.0.0.1:40123' }`. */
    brokers: Record<string, string>;
  }
}

/**
 * Vitest globalSetup of the `integration` project: provides the brokers selected by
 * `TRANSPORTS` once per run, hands their URLs to test workers (env vars, also `inject('brokers')`),
 * serves restarts, and stops everything at the end, on failure, and on Ctrl-C.
 */
export default async function globalSetup(project: TestProject): Promise<() => Promise<void>> {
  const runsDir = `${stateDir}/runs`;
  await reapStaleStates(runsDir);
  const brokers = await startBrokers({ services: selectedServices(), stateFile: `${runsDir}/vitest-${process.pid}.json` });
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
  };
  // Test workers are forked after globalSetup returns, so they inherit these.
  Object.assign(process.env, env);
  project.provide('brokers', brokers.env());
  return async () => {
    await control.close();
    await brokers.stop();
    removeGuards();
  };
}
