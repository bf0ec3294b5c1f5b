import { describe, it } from 'vitest';
import { brokerUrl } from '../../harness/index.js';
import { pythonOrderChord } from '../chord/python-order-chord.js';
import { brokerOn, deleteQueues } from './redis-test-env.js';

// Issue 14: Python writes a chord's size key only just before its last member, so tq members
// that finish earlier must record their part and move on (they used to fail with "Chord … is unknown").
describe('redis: a chord sent in Python order (size key written just before the last member)', () => {
  const setup = (members: number) => ({
    broker: () => brokerOn('redis'),
    redisUrl: brokerUrl('redis'),
    members,
    deleteQueue: (queue: string) => deleteQueues('redis', [queue]),
  });

  it('members that finish before the size key exists are counted; the body runs once', () => pythonOrderChord(setup(5)));

  it('3,000 members, 2,999 finished before the size key: the body runs once with every result', { timeout: 300_000 }, () =>
    pythonOrderChord(setup(3000)),
  );
});
