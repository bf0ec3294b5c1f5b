import { describe, it } from 'vitest';
import { beatCrashScenario } from '../beat/beat-crash-scenario.js';

describe('tq beat on Redis (schedules and broker)', () => {
  it('three schedulers, the sending one SIGKILLed twice: 120 ticks each ran exactly once', { timeout: 300_000 }, () =>
    beatCrashScenario({ label: 'redis', ticks: 120 }),
  );
});
