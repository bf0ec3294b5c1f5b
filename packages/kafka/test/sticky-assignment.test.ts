import { describe, expect, it } from 'vitest';
import { assignSticky, decodeMemberState, encodeMemberState, type MemberState } from '../src/sticky-assignment.js';

const state = (owned: number[], busy: number[] = [], closing = false): MemberState => ({ owned: { q: owned }, busy: { q: busy }, closing });
const topics = [{ topic: 'q', partitions: [0, 1, 2, 3, 4, 5] }];
const count = (result: Map<string, Record<string, number[]>>) => new Map([...result].map(([id, t]) => [id, t.q?.length ?? 0]));

describe('assignSticky', () => {
  it('spreads a new group evenly', () => {
    const result = assignSticky(
      [
        { id: 'a', state: undefined },
        { id: 'b', state: undefined },
      ],
      topics,
    );
    expect(count(result)).toEqual(
      new Map([
        ['a', 3],
        ['b', 3],
      ]),
    );
  });

  it('a joining member gets a fair share taken from idle partitions; busy ones stay with their owner', () => {
    const result = assignSticky(
      [
        { id: 'a', state: state([0, 1, 2, 3, 4, 5], [0, 2, 4]) },
        { id: 'b', state: state([]) },
      ],
      topics,
    );
    expect(result.get('a')?.q?.sort()).toEqual([0, 2, 4]);
    expect(result.get('b')?.q?.sort()).toEqual([1, 3, 5]);
  });

  it('a closing member keeps only its busy partitions', () => {
    const result = assignSticky(
      [
        { id: 'a', state: state([0, 1, 2], [1], true) },
        { id: 'b', state: state([3, 4, 5]) },
      ],
      topics,
    );
    expect(result.get('a')?.q).toEqual([1]);
    expect(result.get('b')?.q?.sort()).toEqual([0, 2, 3, 4, 5]);
  });

  it('every partition is assigned exactly once', () => {
    const result = assignSticky(
      [
        { id: 'a', state: state([0, 1], [0, 1]) },
        { id: 'b', state: state([1, 2], [1, 2]) },
        { id: 'c', state: undefined },
      ],
      topics,
    );
    const all = [...result.values()].flatMap((t) => t.q ?? []).sort();
    expect(all).toEqual([0, 1, 2, 3, 4, 5]);
    expect(count(result)).toEqual(
      new Map([
        ['a', 2],
        ['b', 2],
        ['c', 2],
      ]),
    );
  });

  it('round-trips member state and ignores foreign user data', () => {
    expect(decodeMemberState(encodeMemberState(state([1], [1], true)))).toEqual(state([1], [1], true));
    expect(decodeMemberState(Buffer.from('xyz'))).toBeUndefined();
  });
});
