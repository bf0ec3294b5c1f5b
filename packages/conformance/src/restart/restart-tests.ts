import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { waitUntil } from '../support/wait-until.js';
import type { TaskConformanceConfig } from '../task/task-conformance-config.js';
import { TaskKit } from '../task/task-kit.js';

/** What the restart suite gets: an app on the broker under test, and the harness's restart. */
export interface RestartConformanceConfig extends TaskConformanceConfig {
  /** Restarts the broker's server and resolves once it answers again. */
  restart(): Promise<void>;
}

/** Tasks the worker runs before the restart, and confirmed sends after it, before anything is checked. */
const BEFORE = 100;
const AFTER = 100;
/** Confirmed tasks parked on a queue nobody consumes until after the restart: what the broker stored. */
const PARKED = 50;
/** How long the transport may take to come back and drain everything (a Kafka group rejoins slowly). */
const RECOVERY_MS = 90_000;

/**
 * The broker's server restarts under a running producer and worker (the harness bounces it, as an
 * operator or a crash would). At-least-once across a restart: every send that resolved (the broker
 * confirmed it) runs, including those still waiting in a queue when the server went down; a send
 * the broker could not take rejects, never hangs; the worker resumes consuming by itself, with no
 * help from the test.
 */
export function restartTests(config: RestartConformanceConfig): void {
  it(
    'broker restart mid-run: no confirmed task lost, sends fail loudly or succeed, consumers resume',
    async (context) => {
      const kit = await TaskKit.forTest(config, context);
      const runs = new Map<string, number>();
      const record = kit.task('record', async (id: string) => {
        await sleep(2);
        runs.set(id, (runs.get(id) ?? 0) + 1);
      });
      await kit.worker({ concurrency: 8 });
      // A running worker keeps its queue near empty; these wait in the broker through the restart.
      const parkedQueue = `${kit.queue}-parked`;
      context.onTestFinished(() => config.cleanup?.([parkedQueue]));
      const park = kit.task('park', { queue: parkedQueue }, async (id: string) => {
        runs.set(id, (runs.get(id) ?? 0) + 1);
      });

      // Send continuously across the restart: every send resolves (confirmed) or rejects.
      const confirmed: string[] = [];
      const failed: unknown[] = [];
      let sending = true;
      const sender = (async () => {
        while (sending) {
          const id = randomUUID();
          await record.applyAsync([id], { taskId: id }).then(
            () => confirmed.push(id),
            (error: unknown) => failed.push(error),
          );
          await sleep(2);
        }
      })();
      try {
        await waitUntil(() => runs.size >= BEFORE, `${BEFORE} tasks before the restart`, 30_000);
        const parked = Array.from({ length: PARKED }, () => randomUUID());
        for (const id of parked) await park.applyAsync([id], { taskId: id });
        const restartStarted = performance.now();
        await config.restart();
        const restartMs = performance.now() - restartStarted;
        const afterRestart = confirmed.length;
        await waitUntil(() => confirmed.length >= afterRestart + AFTER, `${AFTER} confirmed sends after the restart`, RECOVERY_MS);
        const resumeStarted = performance.now();
        await waitUntil(
          () => confirmed.slice(afterRestart).every((id) => runs.has(id)),
          'the worker to run what was sent after the restart',
          RECOVERY_MS,
        );
        const resumeMs = performance.now() - resumeStarted;
        sending = false;
        await sender;
        confirmed.push(...parked);
        await kit.worker({ queues: [parkedQueue], concurrency: 8 });
        const lost = () => confirmed.filter((id) => !runs.has(id));
        await waitUntil(() => lost().length === 0, `every confirmed task to run (${confirmed.length} sent)`, RECOVERY_MS).catch(() => {
          // Fall through to the assertion below, which names what is missing.
        });
        const repeats = [...runs.values()].filter((n) => n > 1).length;
        await context.annotate(
          `restart took ${(restartMs / 1000).toFixed(1)} s; ${confirmed.length} sends confirmed, ${failed.length} rejected; ` +
            `worker caught up ${(resumeMs / 1000).toFixed(1)} s after the post-restart sends; ${repeats} tasks ran more than once`,
        );
        expect(lost()).toEqual([]);
        for (const error of failed) expect(error).toBeInstanceOf(Error);
      } finally {
        sending = false;
        // A send that hangs (neither confirmed nor refused) is a failure already reported above.
        await Promise.race([sender, sleep(10_000)]);
      }
    },
    4 * RECOVERY_MS,
  );
}
