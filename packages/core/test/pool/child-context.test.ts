import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { lines, logLine, reportProgress, waitForSoftLimit } from './fixtures/pool-tasks.js';
import { closeWorkers, poolWorker } from './pool-test-kit.js';

afterEach(closeWorkers);

describe('currentTask() and logs inside a pool child', { timeout: 30_000 }, () => {
  it('the soft time limit aborts the signal inside the child', async () => {
    const { queue } = await poolWorker('threads');
    const result = await waitForSoftLimit.applyAsync([], { queue });
    expect(await result.get({ timeoutMs: 20_000 })).toBe('SoftTimeLimitExceededError');
  });

  it('progress from a child reaches AsyncResult', async () => {
    const { queue } = await poolWorker('processes');
    const result = await reportProgress.applyAsync([3], { queue });
    // The last step is stored while the task still runs (it sleeps after reporting).
    const lastStep = (meta: Awaited<ReturnType<typeof result.meta>>) =>
      meta?.status === 'PROGRESS' && (meta.result as { step?: number }).step === 3;
    const deadline = performance.now() + 20_000;
    let meta = await result.meta();
    while (!lastStep(meta) && performance.now() < deadline) {
      await sleep(10);
      meta = await result.meta();
    }
    expect(meta).toMatchObject({ status: 'PROGRESS', result: { step: 3, of: 3 } });
    expect(await result.get({ timeoutMs: 20_000 })).toBe(3);
  });

  it("a child's log line reaches the worker's logger", async () => {
    const { queue } = await poolWorker('threads');
    const marker = randomUUID();
    expect(await (await logLine.applyAsync([marker], { queue })).get({ timeoutMs: 20_000 })).toBe(marker);
    const line = lines.find((l) => l.marker === marker);
    expect(line).toMatchObject({ msg: 'hello from a pool child', level: 30, child: expect.any(Number) });
  });
});
