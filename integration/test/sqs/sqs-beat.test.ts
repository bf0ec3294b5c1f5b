import { describe, it } from 'vitest';
import { beatCrashScenario } from '../beat/beat-crash-scenario.js';
import { sqsUrl } from './sqs-test-support.js';

// Schedules live in the Redis result backend (this broker keeps none): TRANSPORTS=sqs,redis.
describe('tq beat sending to sqs', () => {
  it('three schedulers, the sending one SIGKILLed twice: 120 ticks each ran exactly once', { timeout: 300_000 }, () =>
    beatCrashScenario({ label: 'sqs', broker: sqsUrl(), ticks: 120 }),
  );
});
