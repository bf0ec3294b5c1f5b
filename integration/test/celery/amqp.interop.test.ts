import { describe } from 'vitest';
import { brokerUrl } from '../../harness/index.js';
import { deleteQueues, testBroker } from '../amqp/amqp-support.js';
import { type InteropTarget, interopPeer } from './interop-peer.js';
import * as scenario from './interop-scenarios.js';

// Live interop with Python Celery 5.7 (issue 14) on RabbitMQ, results in Redis and in rpc:// replies.
// Needs both brokers: TRANSPORTS=amqp,redis.
const amqp = () => brokerUrl('amqp');
const target = (name: string, backend: { tq: string; python: string }): InteropTarget => ({
  name,
  broker: () => testBroker(),
  backend: backend.tq,
  python: { broker: amqp(), backend: backend.python },
  deleteQueues,
});

describe('Celery interop: RabbitMQ broker, redis:// results', () => {
  const redis = brokerUrl('redis');
  const peer = interopPeer(target('amqp-redis', { tq: redis, python: redis }));
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
  // Not redisPriorities: the queues are declared without x-max-priority, as Celery declares them by default.
  scenario.revokeBothWays(peer);
  scenario.expiresBothWays(peer, 'eta');
  scenario.groupsBothWays(peer);
  scenario.savedGroupsBothWays(peer);
  scenario.linksBothWays(peer);
  scenario.beatToTq(peer);
  scenario.valuesBothWays(peer);
});

describe('Celery interop: RabbitMQ broker, rpc:// results', () => {
  const peer = interopPeer(target('amqp-rpc', { tq: amqp().replace(/^amqp:/, 'rpc:'), python: 'rpc://' }));
  scenario.tasksBothWays(peer);
  // Not resultsReadByBoth: an rpc:// result is a message to the caller's reply queue; no one else can read it.
  scenario.errorsBothWays(peer);
  scenario.kwargsBothWays(peer);
  scenario.chainsBothWays(peer);
  // Not chordsBothWays nor largePythonChord: a chord needs a backend that counts its parts
  // (tq refuses chord() on rpc://; Celery's rpc backend raises "does not support chords").
  scenario.countdownToTq(peer);
  scenario.countdownToCelery(peer);
  scenario.retriesBothWays(peer);
  scenario.revokeBothWays(peer);
  scenario.expiresBothWays(peer, 'eta');
  scenario.groupsBothWays(peer);
  // Not savedGroupsBothWays: rpc:// stores nothing to restore a group from (both sides refuse save()).
  scenario.linksBothWays(peer);
  scenario.beatToTq(peer);
  scenario.valuesBothWays(peer);
});
