import { tmpdir } from 'node:os';
import { startBrokers } from '../harness/start-brokers.js';

/** Redis for a benchmark: REDIS_URL when set, else one started by the integration harness (stopped by `stop`). */
export async function provideRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  const brokers = await startBrokers({ services: ['redis'], stateFile: `${tmpdir()}/tq-bench-redis-${process.pid}.json`, required: true });
  return { url: brokers.env().REDIS_URL as string, stop: () => brokers.stop() };
}
