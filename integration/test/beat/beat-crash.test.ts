import { describe, expect, it } from 'vitest';
import { selectedServices } from '../../harness/selected-services.js';
import { amqpUrl } from '../amqp/amqp-support.js';
import { kafkaSeeds } from '../kafka/kafka-support.js';
import { sqsUrl } from '../sqs/sqs-test-support.js';
import { beatCrashScenario } from './beat-crash-scenario.js';

/** `kafka://first?brokers=rest`: a URL names one host, the others go in `brokers`. */
function kafkaUrl(): string {
  const [first, ...rest] = kafkaSeeds();
  return `kafka://${first}${rest.length > 0 ? `?brokers=${rest.join(',')}` : ''}`;
}

/** The brokers beat sends to; schedules and claims always live in the Redis result backend. */
const BROKERS = { redis: () => undefined, amqp: amqpUrl, kafka: kafkaUrl, sqs: () => sqsUrl() } as const;

// Every selected broker at once (they share nothing but the Redis store), so the suite pays the
// two minutes of 120 one-second ticks once. TRANSPORTS=kafka alone fails here: beat needs redis too.
const brokers = selectedServices().filter((s): s is keyof typeof BROKERS => s in BROKERS);

describe('tq beat: three schedulers, the sending one SIGKILLed twice', () => {
  it(`120 ticks each ran exactly once, sending to ${brokers.join(', ')}`, { timeout: 600_000 }, async () => {
    expect(selectedServices(), 'schedules live in Redis: select redis too').toContain('redis');
    const results = await Promise.allSettled(
      brokers.map((name) => beatCrashScenario({ label: name, broker: BROKERS[name](), ticks: 120 })),
    );
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${brokers[i]}: ${String(r.reason)}`] : []));
    expect(failures).toEqual([]);
  });
});
