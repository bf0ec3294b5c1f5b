import { describe, it } from 'vitest';
import { brokerUrl } from '../../harness/index.js';
import { pythonOrderChord } from '../chord/python-order-chord.js';
import { deleteQueues, testBroker } from './amqp-support.js';

// Issue 14: Python writes a chord's size key only just before its last member, so tq members
// that finish earlier must record their part and move on. RabbitMQ hands messages over at once,
// so here the race is the usual case. Chords need Redis's results: TRANSPORTS=amqp,redis.
describe('RabbitMQ with Redis results: a chord sent in Python order (size key written just before the last member)', () => {
  const setup = (members: number) => ({
    broker: () => testBroker(),
    redisUrl: brokerUrl('redis'),
    members,
    deleteQueue: (queue: string) => deleteQueues([queue]),
  });

  it('members that finish before the size key exists are counted; the body runs once', () => pythonOrderChord(setup(5)));

  it('3,000 members, 2,999 finished before the size key: the body runs once with every result', { timeout: 300_000 }, () =>
    pythonOrderChord(setup(3000)),
  );
});
