import { describe, it } from 'vitest';
import { beatCrashScenario } from '../beat/beat-crash-scenario.js';
import { amqpUrl } from './amqp-support.js';

// Schedules live in the Redis result backend (this broker keeps none): TRANSPORTS=amqp,redis.
describe('tq beat sending to amqp', () => {
  it('three schedulers, the sending one SIGKILLed twice: 120 ticks each ran exactly once', { timeout: 300_000 }, () =>
    beatCrashScenario({ label: 'amqp', broker: amqpUrl(), ticks: 120 }),
  );
});
