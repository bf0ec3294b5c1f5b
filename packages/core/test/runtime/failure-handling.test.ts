import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp, MemoryBroker, MemoryResultBackend, type ResultMeta, type SetResultOptions } from '../../src/index.js';

/** A result backend that can be "down": every write fails like a lost connection would. */
class FlakyBackend extends MemoryResultBackend {
  down = false;
  readonly stored: string[] = [];

  override async set(taskId: string, meta: ResultMeta, options?: SetResultOptions): Promise<void> {
    if (this.down) throw new Error('Connection is closed.');
    this.stored.push(meta.status);
    return super.set(taskId, meta, options);
  }
}

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

describe('a task that ran is never stored as failed', () => {
  it('a result backend down for a moment: the write is retried and SUCCESS is stored', async () => {
    const backend = new FlakyBackend();
    const app = createApp({ broker: new MemoryBroker(), backend });
    apps.push(app);
    let runs = 0;
    const work = app.task('work', async () => {
      runs++;
      backend.down = true;
      setTimeout(() => {
        backend.down = false;
      }, 300);
      return 'done';
    });
    const worker = app.worker({ storeRetryMs: 10_000 });
    await worker.start();
    const result = await work.delay();
    expect(await result.get({ timeoutMs: 10_000 })).toBe('done');
    expect(runs).toBe(1);
    expect(backend.stored).toEqual(['SUCCESS']);
    await worker.close();
  });

  it('a result backend down for longer than storeRetryMs: the message goes back, the task runs again, never FAILURE', async () => {
    const backend = new FlakyBackend();
    const broker = new MemoryBroker();
    const app = createApp({ broker, backend });
    apps.push(app);
    let runs = 0;
    const work = app.task('work', async () => {
      runs++;
      return 'done';
    });
    backend.down = true;
    const worker = app.worker({ storeRetryMs: 200 });
    await worker.start();
    const result = await work.delay();
    await expect.poll(() => runs, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    backend.down = false;
    expect(await result.get({ timeoutMs: 10_000 })).toBe('done');
    expect(backend.stored).not.toContain('FAILURE');
    await worker.close();
  });
});

describe('one careless task does not kill the worker', () => {
  it('an unhandled rejection or an uncaught exception from a task fails that attempt; other tasks and the worker go on', async () => {
    const script = fileURLToPath(new URL('./fixtures/careless-task.ts', import.meta.url));
    // A child process: the errors are process-wide, and the test runner would report them itself.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../../../..', import.meta.url)),
      env: { ...process.env, TQ_LOG_LEVEL: 'silent' },
      timeout: 30_000,
    });
    const { outcomes, after } = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(outcomes[0].error).toMatch(/nobody awaited me/);
    expect(outcomes[1].error).toMatch(/thrown from a timer of/);
    expect(outcomes[2]).toEqual({ value: 42 });
    expect(after).toBe(2);
  }, 40_000);
});

describe('a redelivered task that already finished does not run again', () => {
  it('its worker died before the ack: the stored SUCCESS stands and the body does not run twice', async () => {
    const broker = new MemoryBroker({ name: `dedup-${Math.random()}`, visibilityTimeoutMs: 200 });
    const backend = new MemoryResultBackend({ name: `dedup-${Math.random()}` });
    const app = createApp({ broker, backend });
    apps.push(app);
    let runs = 0;
    const work = app.task('work', async () => {
      runs++;
      return 'done';
    });
    const result = await work.delay();
    // A worker that stored SUCCESS and died before acking: simulated by a bare consumer that
    // never settles, and the record written as that worker would have.
    const dying = new MemoryBroker({ name: (broker as unknown as { config: { name: string } }).config.name, visibilityTimeoutMs: 200 });
    await dying.connect();
    let held = 0;
    const subscription = await dying.consume(
      ['celery'],
      async () => {
        held++;
        await new Promise(() => {});
      },
      { prefetch: 1 },
    );
    await expect.poll(() => held).toBe(1);
    await subscription.close();
    const runtimeBackend = await app.resultBackend();
    await runtimeBackend.set(result.id, {
      status: 'SUCCESS',
      result: 'done before',
      traceback: null,
      children: [],
      date_done: new Date().toISOString(),
      task_id: result.id,
    });
    const size = async () => (await app.broker()).size('celery');
    await expect.poll(size, { timeout: 5000 }).toBe(1); // back after the visibility timeout
    const worker = app.worker();
    await worker.start();
    await expect.poll(size, { timeout: 5000 }).toBe(0);
    await worker.close();
    expect(await size()).toBe(0); // acked, not held: a held message would be back after close()
    await dying.close();
    expect(runs).toBe(0);
    expect(await result.get({ timeoutMs: 1000 })).toBe('done before');
  });
});

describe('a result too big to store is refused clearly', () => {
  it('the task fails with PayloadTooLargeError naming both sizes; its caller does not hang', async () => {
    const app = createApp({ broker: new MemoryBroker(), backend: new MemoryResultBackend() });
    apps.push(app);
    const big = app.task('big', async (n: number) => 'é'.repeat(n));
    const worker = app.worker({ maxResultBytes: 1000 });
    await worker.start();
    expect(await (await big.delay(100)).get({ timeoutMs: 5000 })).toBe('é'.repeat(100));
    const error = await (await big.delay(1000)).get({ timeoutMs: 5000 }).catch((e: unknown) => e);
    // Stored as Python writes it, each 'é' escaped as \u00e9: 6 bytes.
    expect((error as Error).message).toMatch(/The result of big .* is 6002 bytes, over the limit of 1000 bytes/);
    await worker.close();
  });
});
