import { describe, it } from 'vitest';
import { beatCrashScenario } from '../beat/beat-crash-scenario.js';
import { kafkaSeeds } from './kafka-support.js';

// Schedules live in the Redis result backend (this broker keeps none): TRANSPORTS=kafka,redis.
describe('tq beat sending to kafka', () => {
  it('three schedulers, the sending one SIGKILLed twice: 120 ticks each ran exactly once', { timeout: 300_000 }, () =>
    beatCrashScenario({ label: 'kafka', broker: `kafka://${kafkaSeeds()[0]}`, ticks: 120 }),
  );
});
