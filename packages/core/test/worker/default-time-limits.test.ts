import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp, currentTask, RemoteTaskError, type Worker } from '../../src/index.js';

let open: { app: App; worker: Worker } | undefined;
afterEach(async () => {
  await open?.worker.close({ timeoutMs: 100 });
  await open?.app.close();
  open = undefined;
});

/** A task that waits for its signal (or 10 s) and says why it stopped. */
function waiter(app: App, name: string, options: { timeLimitMs?: number; softTimeLimitMs?: number } = {}) {
  return app.task(name, options, async () => {
    const { signal } = currentTask();
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      signal.addEventListener('abort', () => resolve(clearTimeout(timer)), { once: true });
    });
    return signal.aborted ? `aborted: ${(signal.reason as Error).name}` : 'ran out the clock';
  });
}

describe('WorkerOptions.timeLimitMs / softTimeLimitMs (Celery --time-limit / --soft-time-limit): limits of tasks that set none', () => {
  it('the hard default fails a task without its own limit with TimeLimitExceeded', async () => {
    const app = createApp({ broker: 'memory://', backend: 'memory://' });
    const unbounded = waiter(app, 'unbounded');
    const worker = app.worker({ timeLimitMs: 200 });
    open = { app, worker };
    await worker.start();
    const error = await (await unbounded.delay()).get({ timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteTaskError);
    expect((error as Error).message).toContain('hard time limit of 200 ms');
  });

  it("a task's own limit wins over the worker's default", async () => {
    const app = createApp({ broker: 'memory://', backend: 'memory://' });
    const patient = app.task('patient', { timeLimitMs: 10_000 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      return 'finished';
    });
    const worker = app.worker({ timeLimitMs: 200 });
    open = { app, worker };
    await worker.start();
    expect(await (await patient.delay()).get({ timeoutMs: 5000 })).toBe('finished');
  });

  it('the soft default fires the signal of a task without its own soft limit', async () => {
    const app = createApp({ broker: 'memory://', backend: 'memory://' });
    const defaultSoft = waiter(app, 'default-soft');
    const worker = app.worker({ softTimeLimitMs: 150 });
    open = { app, worker };
    await worker.start();
    expect(await (await defaultSoft.delay()).get({ timeoutMs: 5000 })).toBe('aborted: SoftTimeLimitExceededError');
  });

  it('refuses a limit that is not a positive number, naming it', () => {
    const app = createApp({ broker: 'memory://' });
    expect(() => app.worker({ timeLimitMs: -1 })).toThrow('WorkerOptions timeLimitMs must be a positive finite number, got -1');
  });
});
