import { describe } from 'vitest';
import { brokerUrl } from '../../harness/index.js';
import { deleteQueues } from '../redis/redis-test-env.js';
import { interopPeer } from './interop-peer.js';
import * as scenario from './interop-scenarios.js';

// Live interop with Python Celery 5.7 (issue 14) on one Redis: broker and results.
describe('Celery interop: Redis broker, redis:// results', () => {
  const redis = brokerUrl('redis');
  // tq's app sends delays Celery's way, so its countdowns reach the Celery worker: by default they
  // wait in tq's sorted set, which only tq consumers promote (ADR 24). Its tq worker takes both.
  const tqBroker = new URL(redis);
  tqBroker.searchParams.set('delays', 'eta-header');
  const peer = interopPeer({
    name: 'redis',
    broker: () => tqBroker.href,
    backend: redis,
    python: { broker: redis, backend: redis },
    deleteQueues: (queues) => deleteQueues('redis', queues),
  });
  scenario.tasksBothWays(peer);
  scenario.resultsReadByBoth(peer);
  scenario.errorsBothWays(peer);
  scenario.kwargsBothWays(peer);
  scenario.chainsBothWays(peer);
  scenario.chordsBothWays(peer);
  scenario.largePythonChord(peer);
  scenario.countdownToTq(peer);
  scenario.countdownToCelery(peer);
  scenario.retriesBothWays(peer);
  scenario.redisPriorities(peer);
  scenario.revokeBothWays(peer);
  scenario.expiresBothWays(peer, 'queue');
  scenario.groupsBothWays(peer);
  scenario.savedGroupsBothWays(peer);
  scenario.linksBothWays(peer);
  scenario.beatToTq(peer);
  scenario.valuesBothWays(peer);
});
