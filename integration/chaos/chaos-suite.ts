import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, type TestContext } from 'vitest';
import { restartBroker } from '../harness/index.js';
import { tcpProxy } from '../harness/tcp-proxy.js';
import { brokerAddress, type ChaosTransport, rawPublisher } from './chaos-broker.js';
import type { ChaosRecords } from './chaos-records.js';
import type { ChaosRow } from './chaos-row.js';
import { ChaosRun, CONCURRENCY, type Confirmed, PREFETCH_MULTIPLIER } from './chaos-run.js';
import { malformedMessages } from './malformed-messages.js';
import type { WorkerProcess } from './worker-process.js';

/** What differs between transports. */
export interface ChaosProfile {
  /**
   * The worker's `maxPayloadBytes` in the malformed flood, and the size of its oversize messages
   * (over that limit, within what the broker takes: Kafka's records and SQS's messages are small).
   */
  maxPayloadBytes: number;
  oversizeBytes: number;
  /** Kafka: the SIGKILL run's session timeout (a killed member's partitions move after it). */
  kafkaSessionTimeoutMs?: number;
}

const TASKS = 10_000;
const KILLS = 10;
/** Runs a worker incarnation finishes before it is killed: it is busy, with messages in flight. */
const RUNS_BEFORE_KILL = 30;
const MALFORMED = 1000;
const WARM_UP = 500;
const RESUME_BOUND_S = 5;
/**
 * How long the network stays cut: longer than kafkajs retries (about 10 s) before it gives up and
 * replaces the group member, the path on which Kafka consumers used to wait out the old member's
 * session timeout (30 s) after the network was back.
 */
const CUT_MS = 15_000;
/** How far a worker's RSS may end above where it started after the malformed flood. */
const RSS_SLACK_MB = 64;

/**
 * The chaos suite of one transport, against the harness's real broker and real tq workers in
 * their own processes: SIGKILLed workers, a broker restart, a network cut, a malformed flood. Each
 * test records its figures in its meta; chaos-reporter.ts prints them as one row per transport.
 */
export function chaosSuite(transport: ChaosTransport, profile: ChaosProfile): void {
  describe(`chaos ${transport}`, () => {
    it(`SIGKILL a worker ${KILLS} times while ${TASKS} tasks run: none lost, duplicates within the in-flight bound`, async (context) => {
      const run = new ChaosRun(transport, 'kill');
      try {
        const confirmed = await run.sendMany(TASKS);
        const settings = { kafkaSessionTimeoutMs: profile.kafkaSessionTimeoutMs };
        const survivor = run.worker(settings);
        let victim = run.worker(settings);
        await Promise.all([survivor.ready, victim.ready]);
        let kills = 0;
        while (kills < KILLS) {
          await victim.ready;
          const current = victim;
          await waitFor(
            () => (run.records().runsByPid.get(current.pid) ?? 0) >= RUNS_BEFORE_KILL,
            () =>
              `worker ${current.pid} (restart ${kills}) to run ${RUNS_BEFORE_KILL} tasks; ${run.records().runs.size} of ${TASKS} done so far. ` +
              `Too few tasks left for ${KILLS} kills means the workers outran the kills.\n${current.logTail()}`,
            120_000,
          );
          await current.kill();
          kills++;
          victim = run.worker(settings);
        }
        await waitFor(() => run.records().lost(confirmed).length === 0, `every confirmed task to run`, 180_000).catch(() => {});
        // Redeliveries of what a killed worker ran but did not acknowledge may still come: wait for quiet.
        const records = await quiet(run);
        expect(survivor.alive, `the surviving worker died:\n${survivor.logTail()}`).toBe(true);
        const bound = CONCURRENCY * PREFETCH_MULTIPLIER * kills;
        report(context, transport, { lost: records.lost(confirmed).length, duplicates: records.duplicates, bound, kills });
        expect(records.lost(confirmed)).toEqual([]);
        expect(records.duplicates).toBeLessThanOrEqual(bound);
      } finally {
        await run.close();
      }
    }, 420_000);

    it(`broker restart mid-run: consumers resume within ${RESUME_BOUND_S} s, no confirmed task lost`, async (context) => {
      const run = new ChaosRun(transport, 'restart');
      try {
        const worker = run.worker();
        await worker.ready;
        const sender = run.sender();
        await waitFor(() => run.records().runs.size >= 200, '200 tasks before the restart', 60_000);
        const faultAt = Date.now();
        await restartBroker(transport);
        const backAt = Date.now();
        const resumeS = await resumeSeconds(run, sender, faultAt, backAt, worker);
        await sleep(2000); // tasks keep flowing after the resume
        await sender.stop();
        const records = await allRun(run, sender.confirmed);
        report(context, transport, { restartResumeS: resumeS, restartLost: records.lost(ids(sender.confirmed)).length });
        expect(worker.alive, `the worker died:\n${worker.logTail()}`).toBe(true);
        expect(records.lost(ids(sender.confirmed))).toEqual([]);
        for (const error of sender.refused) expect(error).toBeInstanceOf(Error);
        expect(resumeS, `first task done ${resumeS.toFixed(1)} s after the broker was back\n${worker.logTail()}`).toBeLessThanOrEqual(
          RESUME_BOUND_S,
        );
      } finally {
        await run.close();
      }
    }, 300_000);

    it(`network cut between worker and broker: the worker resumes within ${RESUME_BOUND_S} s by itself, no confirmed task lost`, async (context) => {
      const run = new ChaosRun(transport, 'cut');
      const proxy = await tcpProxy(brokerAddress(transport));
      try {
        const worker = run.worker({ via: `${proxy.host}:${proxy.port}` });
        await worker.ready;
        const sender = run.sender();
        await waitFor(() => run.records().runs.size >= 200, '200 tasks before the cut', 60_000);
        const faultAt = Date.now();
        proxy.cut();
        await sleep(CUT_MS); // the fault itself: the network is down this long
        proxy.restore();
        const backAt = Date.now();
        const resumeS = await resumeSeconds(run, sender, faultAt, backAt, worker);
        await sleep(2000);
        await sender.stop();
        const records = await allRun(run, sender.confirmed);
        report(context, transport, { cutResumeS: resumeS, cutLost: records.lost(ids(sender.confirmed)).length });
        expect(worker.alive, `the worker died:\n${worker.logTail()}`).toBe(true);
        expect(records.lost(ids(sender.confirmed))).toEqual([]);
        expect(sender.refused).toEqual([]); // the producer's own connection was never cut
        expect(resumeS, `first task done ${resumeS.toFixed(1)} s after the network was back\n${worker.logTail()}`).toBeLessThanOrEqual(
          RESUME_BOUND_S,
        );
      } finally {
        await run.close();
        await proxy.close();
      }
    }, 300_000);

    it(`${MALFORMED} malformed messages among ${MALFORMED} valid ones: all bad ones dead-lettered with a reason, all good ones run`, async (context) => {
      const run = new ChaosRun(transport, 'malformed');
      try {
        const worker = run.worker({ maxPayloadBytes: profile.maxPayloadBytes });
        await worker.ready;
        // Warm up at the flood's pace, so "before" is a worker at work (code compiled, heap grown to
        // its working size), not one that has just started.
        await run.sendMany(WARM_UP);
        await waitFor(() => run.records().runs.size >= WARM_UP, 'the warm-up tasks', 60_000);
        await worker.collectGarbage();
        const rssBefore = worker.rssMb();
        const broker = (await run.app.broker()).transport;
        const publisher = await rawPublisher(transport, broker, run.queue);
        const bad = malformedMessages(MALFORMED, profile.oversizeBytes);
        const valid: string[] = [];
        try {
          const pairs = 25;
          for (let i = 0; i < MALFORMED; i += pairs) {
            await Promise.all(
              bad.slice(i, i + pairs).map(async (message) => {
                await publisher.publish(message.raw);
                const [id] = await run.sendMany(1);
                valid.push(id as string);
              }),
            );
          }
        } finally {
          await publisher.close();
        }
        const settled = () => {
          const records = run.records();
          return records.lost(valid).length === 0 && records.rejections.length >= MALFORMED;
        };
        await waitFor(settled, 'every valid task to run and every malformed one to be rejected', 180_000).catch(() => {});
        const records = run.records();
        const rssAfter = await settledRss(worker, rssBefore);
        const strays = [...records.runs.keys()].filter((id) => id.length !== 36);
        report(context, transport, {
          malformed: `${records.rejections.length}/${MALFORMED}`,
          rssBeforeMb: rssBefore,
          rssAfterMb: rssAfter,
        });
        expect(worker.alive, `the worker died:\n${worker.logTail()}`).toBe(true);
        expect(records.lost(valid), 'valid tasks that never ran').toEqual([]);
        expect(strays, 'malformed messages that ran as tasks').toEqual([]);
        expect(records.rejections.length, rejectionSummary(records)).toBe(MALFORMED);
        for (const { reason } of records.rejections) {
          expect(reason).toEqual(expect.any(String));
          expect(reason.length, reason).toBeGreaterThan(10);
          expect(reason).not.toMatch(/\[object Object\]|^undefined|^null/);
        }
        if (broker.deadLetters) {
          const letters = await broker.deadLetters(run.queue, MALFORMED + 1);
          expect(letters.length, 'messages in the dead-letter place').toBe(MALFORMED);
        }
        expect(rssAfter - rssBefore, `RSS ${rssBefore.toFixed(0)} MB before, ${rssAfter.toFixed(0)} MB after`).toBeLessThanOrEqual(
          RSS_SLACK_MB,
        );
      } finally {
        await run.close();
      }
    }, 300_000);
  });
}

/** Puts this test's figures where chaos-reporter.ts finds them. */
function report(context: TestContext, transport: ChaosTransport, row: Omit<ChaosRow, 'transport'>): void {
  context.task.meta.chaos = { transport, ...row };
}

const ids = (confirmed: readonly Confirmed[]) => confirmed.map((c) => c.id);

/**
 * Seconds from the end of a fault (`backAt`) to the first task finishing that the broker confirmed
 * after the fault began: such a task can only have reached the worker once it could consume again.
 */
async function resumeSeconds(run: ChaosRun, sender: { confirmed: Confirmed[] }, faultAt: number, backAt: number, worker: WorkerProcess) {
  let firstDone: number | undefined;
  await waitFor(
    () => {
      const records = run.records();
      for (const { id, at } of sender.confirmed) {
        if (at < faultAt) continue;
        const doneAt = records.firstDoneAt.get(id);
        if (doneAt !== undefined && doneAt >= backAt && (firstDone === undefined || doneAt < firstDone)) firstDone = doneAt;
      }
      return firstDone !== undefined;
    },
    () => `a task sent after the fault to run\n${worker.logTail()}`,
    120_000,
  );
  return ((firstDone as number) - backAt) / 1000;
}

/** The records once every confirmed task ran, or after 2 minutes (the caller asserts on them). */
async function allRun(run: ChaosRun, confirmed: readonly Confirmed[]): Promise<ChaosRecords> {
  await waitFor(() => run.records().lost(ids(confirmed)).length === 0, 'every confirmed task to run', 120_000).catch(() => {});
  return run.records();
}

/** The records once no new run was recorded for a few visibility timeouts (bounded). */
async function quiet(run: ChaosRun): Promise<ChaosRecords> {
  let last = run.records();
  let stableSince = Date.now();
  const deadline = Date.now() + 60_000;
  while (Date.now() - stableSince < 8000 && Date.now() < deadline) {
    await sleep(500);
    const now = run.records();
    if (now.totalRuns !== last.totalRuns) stableSince = Date.now();
    last = now;
  }
  return last;
}

/**
 * The worker's RSS after a full collection, once it is back near where it started, or after 20 s
 * (measured the same way as `before`). The process gives freed memory back lazily, so this waits
 * for the condition rather than sampling once.
 */
async function settledRss(worker: WorkerProcess, before: number): Promise<number> {
  const deadline = Date.now() + 20_000;
  await worker.collectGarbage();
  let rss = worker.rssMb();
  while (rss - before > RSS_SLACK_MB && Date.now() < deadline) {
    await sleep(500);
    await worker.collectGarbage();
    rss = worker.rssMb();
  }
  return rss;
}

function rejectionSummary(records: ChaosRecords): string {
  const reasons = new Map<string, number>();
  for (const { reason } of records.rejections) {
    const key = reason.replace(/[0-9a-f-]{36}/g, '<id>').slice(0, 120);
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  return `rejections by reason:\n${[...reasons].map(([reason, n]) => `  ${n} × ${reason}`).join('\n')}`;
}

/** Polls `condition` every 200 ms until it holds; throws `what` (read then) after `timeoutMs`. */
async function waitFor(condition: () => boolean, what: string | (() => string), timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await sleep(200);
  }
}
