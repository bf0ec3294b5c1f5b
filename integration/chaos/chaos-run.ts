import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type App, createApp, defaultLogger, type Task } from '@tq/core';
import { type ChaosTransport, chaosBroker } from './chaos-broker.js';
import { ChaosRecords } from './chaos-records.js';
import { type ChaosWorkerSettings, RECORD_TASK } from './chaos-worker-settings.js';
import { WorkerProcess } from './worker-process.js';

/** Tasks each worker runs at once, and messages it holds per slot: the in-flight bound is their product. */
export const CONCURRENCY = 4;
export const PREFETCH_MULTIPLIER = 4;
/** How long each chaos task works: long enough that a SIGKILL finds work in flight. */
const TASK_MS = 20;

/** A confirmed send: the broker took it. */
export interface Confirmed {
  id: string;
  /** When the broker confirmed it (ms since the epoch). */
  at: number;
}

/**
 * One chaos test's world: a unique queue, a producer app on the broker under test, worker
 * processes, and the directory they record into. `close()` kills what is left and cleans up.
 */
export class ChaosRun {
  readonly queue: string;
  readonly dir: string;
  readonly app: App;
  readonly record: Task<[id: string], null>;
  private readonly workers = new Set<WorkerProcess>();

  constructor(
    readonly transport: ChaosTransport,
    label: string,
  ) {
    this.queue = `chaos-${transport}-${label}-${randomUUID().slice(0, 8)}`;
    this.dir = mkdtempSync(join(tmpdir(), `tq-chaos-${transport}-`));
    const logger = defaultLogger().child({}, { level: 'error' });
    this.app = createApp({ broker: chaosBroker(transport, { logger }), logger, defaultQueue: this.queue });
    // The worker processes run it; this app only sends it.
    this.record = this.app.remoteTask<[id: string], null>(RECORD_TASK);
  }

  /** A worker process on this run's queue (not awaited: see `ready`). */
  worker(settings: Partial<ChaosWorkerSettings> = {}): WorkerProcess {
    const worker = new WorkerProcess({
      transport: this.transport,
      queue: this.queue,
      concurrency: CONCURRENCY,
      prefetchMultiplier: PREFETCH_MULTIPLIER,
      taskMs: TASK_MS,
      recordDir: this.dir,
      ...settings,
    });
    this.workers.add(worker);
    return worker;
  }

  records(): ChaosRecords {
    return ChaosRecords.read(this.dir);
  }

  /** Sends `count` tasks, `parallel` at a time; resolves with the ids the broker confirmed. */
  async sendMany(count: number, parallel = 200): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    for (let i = 0; i < ids.length; i += parallel) {
      await Promise.all(ids.slice(i, i + parallel).map((id) => this.record.applyAsync([id], { taskId: id })));
    }
    return ids;
  }

  /** Sends one task at a time until stopped, whatever the broker does; every send is confirmed or refused. */
  sender(): Sender {
    return new Sender(this.record);
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((worker) => worker.kill()));
    await this.app.close().catch(() => {});
    await deleteQueue(this.transport, this.queue).catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A producer that keeps sending across a fault (see {@link ChaosRun.sender}). */
export class Sender {
  readonly confirmed: Confirmed[] = [];
  readonly refused: unknown[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(record: Task<[id: string], null>) {
    this.loop = (async () => {
      while (this.running) {
        const id = randomUUID();
        await record.applyAsync([id], { taskId: id }).then(
          () => this.confirmed.push({ id, at: Date.now() }),
          (error: unknown) => this.refused.push(error),
        );
        await sleep(5);
      }
    })();
  }

  /** Stops after the send in progress (which may wait for the broker's confirm or refusal). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** Removes what tq made for `queue` on the broker (the queue, its delay and dead-letter places). */
async function deleteQueue(transport: ChaosTransport, queue: string): Promise<void> {
  switch (transport) {
    case 'redis':
      return (await import('../test/redis/redis-test-env.js')).deleteQueues('redis', [queue]);
    case 'amqp':
      return (await import('../test/amqp/amqp-support.js')).deleteQueues([queue]);
    case 'kafka':
      return (await import('../test/kafka/kafka-support.js')).deleteQueues([queue]);
    case 'sqs':
      return (await import('../test/sqs/sqs-test-support.js')).deleteQueues([queue]);
  }
}
