import { expect, it } from 'vitest';
import type { TaskConformanceConfig } from './task-conformance-config.js';
import { TaskKit } from './task-kit.js';

/** Tasks sent in the test at scale, and the workers (with their slots) that share them. */
const TASKS = 1000;
const WORKERS = 4;
const CONCURRENCY = 8;
const SCALE_TIMEOUT_MS = 120_000;

/** Many tasks, several workers: every task runs and its result comes back. */
export function volumeTests(config: TaskConformanceConfig): void {
  it(
    `${TASKS} tasks over ${WORKERS} workers of ${CONCURRENCY} slots: every task runs, every result comes back`,
    async (context) => {
      const kit = await TaskKit.forTest(config, context);
      const runs = new Map<number, number>();
      const square = kit.task('square', async (n: number) => {
        runs.set(n, (runs.get(n) ?? 0) + 1);
        return n * n;
      });
      const workers = [];
      for (let i = 0; i < WORKERS; i++) workers.push(await kit.worker({ concurrency: CONCURRENCY, hostname: `w${i}-${kit.queue}` }));
      const started = performance.now();
      const sent = await Promise.all(Array.from({ length: TASKS }, (_, n) => square.delay(n)));
      const results = await Promise.all(sent.map((r) => r.get({ timeoutMs: SCALE_TIMEOUT_MS })));
      const seconds = (performance.now() - started) / 1000;
      const byWorker = workers.map((w) => kit.record(w).filter((e) => e.type === 'task-succeeded').length);
      await context.annotate(
        `${TASKS} tasks in ${seconds.toFixed(1)} s (${(TASKS / seconds).toFixed(0)}/s); ` +
          `${[...runs.values()].filter((n) => n > 1).length} ran more than once; by worker: ${byWorker.join('/')}`,
      );
      expect(results).toEqual(Array.from({ length: TASKS }, (_, n) => n * n));
      expect(runs.size).toBe(TASKS);
    },
    SCALE_TIMEOUT_MS + 30_000,
  );
}
