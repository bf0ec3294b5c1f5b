import { describe } from 'vitest';
import { brokerUrl } from '../../harness/index.js';
import { deleteQueues, testBroker } from '../amqp/amqp-support.js';
import { monitoringPeer } from './monitoring-peer.js';
import * as scenario from './monitoring-scenarios.js';

// Issue 16's "done means" on RabbitMQ: Python Celery 5.7's inspect/control CLI and Flower see and
// steer a tq worker (the celery.pidbox and celeryev exchanges); tq's control client sees a Celery
// worker. Results in Redis: needs both brokers, TRANSPORTS=amqp,redis.
describe('Celery monitoring interop: RabbitMQ', () => {
  const redis = brokerUrl('redis');
  const peer = monitoringPeer({
    name: 'amqp',
    broker: () => testBroker(),
    backend: redis,
    python: { broker: brokerUrl('amqp'), backend: redis },
    deleteQueues,
  });
  scenario.celeryInspectsTq(peer);
  scenario.tqInspectsCelery(peer);
  scenario.celeryRateLimitsTq(peer);
  scenario.celeryShutsDownTq(peer);
  scenario.flowerSeesTq(peer);
});
