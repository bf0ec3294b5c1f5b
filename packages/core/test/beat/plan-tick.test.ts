import { describe, expect, it } from 'vitest';
import { planTick } from '../../src/beat/plan-tick.js';
import type { ScheduleEntry, ScheduleOptions } from '../../src/index.js';

const T0 = Date.parse('2026-12-02T12:00:00Z');
const MIN = 60_000;

function entry(options: ScheduleOptions, nextRunAt = T0, runCount = 0): ScheduleEntry & { nextRunAt: number } {
  return {
    name: 'e',
    timing: { everyMs: MIN },
    signature: { task: 't', args: [], kwargs: {}, options: {}, subtask_type: null, immutable: false },
    options,
    owner: 'code',
    paused: false,
    nextRunAt,
    lastRunAt: null,
    runCount,
    lastTaskId: null,
    lastOutcome: null,
  };
}

describe('planTick', () => {
  it('sends a tick that is due now and moves to the next slot', () => {
    expect(planTick(entry({}), T0 + 200)).toEqual({ send: true, outcome: 'sent', next: T0 + MIN });
  });

  it('after a day without a scheduler, latest skips to the newest missed tick and sends only that', () => {
    const now = T0 + 24 * 60 * MIN + 30_000;
    const skip = planTick(entry({ catchUp: 'latest' }), now);
    expect(skip).toEqual({ send: false, outcome: 'missed', next: T0 + 24 * 60 * MIN });
    expect(planTick(entry({ catchUp: 'latest' }, skip.next as number), now)).toEqual({
      send: true,
      outcome: 'sent',
      next: T0 + 24 * 60 * MIN + MIN,
    });
  });

  it('skip sends nothing missed, and a newest tick more than 30 s late counts as missed', () => {
    const now = T0 + 10 * MIN + 40_000;
    expect(planTick(entry({ catchUp: 'skip' }), now)).toEqual({ send: false, outcome: 'missed', next: T0 + 11 * MIN });
    expect(planTick(entry({ catchUp: 'skip' }, T0 + 10 * MIN), now)).toEqual({ send: false, outcome: 'missed', next: T0 + 11 * MIN });
    expect(planTick(entry({ catchUp: 'skip' }, T0 + 10 * MIN), T0 + 10 * MIN + 5000).send).toBe(true);
  });

  it('backfill sends each missed tick of its window, oldest first, and jumps over older ones', () => {
    const now = T0 + 10 * MIN + 1000;
    const options: ScheduleOptions = { catchUp: { backfillMs: 3 * MIN } };
    expect(planTick(entry(options), now)).toEqual({ send: false, outcome: 'missed', next: T0 + 8 * MIN });
    expect(planTick(entry(options, T0 + 8 * MIN), now)).toEqual({ send: true, outcome: 'sent', next: T0 + 9 * MIN });
  });

  it('limit and endAt finish the entry', () => {
    expect(planTick(entry({ limit: 3 }, T0, 2), T0).next).toBeNull();
    expect(planTick(entry({ limit: 3 }, T0, 1), T0).next).toBe(T0 + MIN);
    expect(planTick(entry({ endAt: new Date(T0 + MIN).toISOString() }), T0)).toEqual({ send: true, outcome: 'sent', next: null });
  });
});
