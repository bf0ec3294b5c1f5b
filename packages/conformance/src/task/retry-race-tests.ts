import { setTimeout as sleep } from 'node:timers/promises';
import { currentTask } from '@tq/core';
import { expect } from 'vitest';
import type { TaskConformanceConfig } from './task-conformance-config.js';
import { RESULT_TIMEOUT_MS, TaskKit, test } from './task-kit.js';

class TransientError extends Error {}
class PermanentError extends Error {}

/** How many tasks race: enough that one lost race shows on every run, not one in ten. */
const RACERS = 20;

/**
 * An immediate retry runs while the attempt that sent it is still finishing: whatever that attempt
 * stores last (RETRY) must not undo what the retry stored (its final state).
 */
export function retryRaceTests(config: TaskConformanceConfig): void {
  test(`an immediate retry that fails at once leaves FAILURE, never a late RETRY (${RACERS} tasks)`, async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const twice = kit.task('twice', { retry: { max: 1, baseMs: 0 } }, async () => {
      if (currentTask().retries === 0) throw new TransientError('once more');
      throw new PermanentError('and that is final');
    });
    await kit.worker({ concurrency: 8 });
    const sent = await Promise.all(Array.from({ length: RACERS }, () => twice.delay()));
    const outcomes = await Promise.all(sent.map((r) => r.get({ timeoutMs: RESULT_TIMEOUT_MS }).catch((e: unknown) => e)));
    for (const outcome of outcomes) expect(outcome).toMatchObject({ remoteType: 'PermanentError' });
    // A late RETRY could also land after get() saw FAILURE: look again once every write is done.
    await sleep(200);
    const states = await Promise.all(sent.map((r) => r.state()));
    expect(states.filter((state) => state !== 'FAILURE')).toEqual([]);
  });
}
