import { describe } from 'vitest';
import { brokerUrl } from '../../harness/index.js';
import { deleteQueues } from '../redis/redis-test-env.js';
import { monitoringPeer } from './monitoring-peer.js';
import * as scenario from './monitoring-scenarios.js';

// Issue 16's "done means" on Redis: Python Celery 5.7's inspect/control CLI and Flower see and
// steer a tq worker (kombu's pidbox and celeryev over pub/sub); tq's control client sees a Celery worker.
describe('Celery monitoring interop: Redis', () => {
  const redis = brokerUrl('redis');
  const peer = monitoringPeer({
    name: 'redis',
    broker: () => redis,
    backend: redis,
    python: { broker: redis, backend: redis },
    deleteQueues: (queues) => deleteQueues('redis', queues),
  });
  scenario.celeryInspectsTq(peer);
  scenario.tqInspectsCelery(peer);
  scenario.celeryRateLimitsTq(peer);
  scenario.celeryShutsDownTq(peer);
  scenario.flowerSeesTq(peer);
});
