import { afterEach, describe, expect, it } from 'vitest';
import { type AppConfig, createApp, currentTask, RemoteTaskError, TaskRevokedError } from '../../src/index.js';

/** Closed after each test, workers before their apps. */
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A memory app with a started worker; `define` adds its tasks first. */
async function started<T>(config: Partial<AppConfig>, define: (app: ReturnType<typeof createApp>) => T) {
  const app = createApp({ broker: 'memory://', backend: 'memory://', ...config });
  closers.push(() => app.close());
  const tasks = define(app);
  const worker = app.worker();
  await worker.start();
  closers.push(() => worker.close());
  return { app, tasks, worker };
}

/** A task that sends mail to an address: the personal data at stake. */
const mailer = (config: Partial<AppConfig> = {}) =>
  started(config, (app) => app.task('mail.send', async (to: string, subject: string) => `sent ${subject} to ${to.length} chars`));

describe('resultExtended (Celery result_extended): what the result record keeps of the call', () => {
  it('is off by default: the record has the outcome and no name, arguments, worker or queue', async () => {
    const { tasks: send } = await mailer();
    const r = await send.delay('ann@example.com', 'hello');
    expect(await r.get({ timeoutMs: 5000 })).toBe('sent hello to 15 chars');
    const meta = await r.meta();
    expect(meta).toMatchObject({ status: 'SUCCESS', task_id: r.id });
    for (const key of ['name', 'args', 'kwargs', 'worker', 'retries', 'queue']) expect(meta).not.toHaveProperty(key);
    expect(JSON.stringify(meta)).not.toContain('ann@example.com');
  });

  it('on: the record carries name, args, kwargs, worker, retries and queue, as Python Celery reads them', async () => {
    const { tasks: send, worker } = await mailer({ resultExtended: true });
    const r = await send.delay('ann@example.com', 'hello');
    await r.get({ timeoutMs: 5000 });
    expect(await r.meta()).toMatchObject({
      name: 'mail.send',
      args: ['ann@example.com', 'hello'],
      kwargs: {},
      worker: worker.hostname,
      retries: 0,
      queue: 'celery',
    });
  });

  it('on: a failure record keeps the call too', async () => {
    const { tasks: fail } = await started({ resultExtended: true }, (app) =>
      app.task('boom', async (code: number) => {
        throw new RangeError(`bad code ${code}`);
      }),
    );
    const r = await fail.delay(7);
    await expect(r.get({ timeoutMs: 5000 })).rejects.toThrow(/bad code 7/);
    expect(await r.meta()).toMatchObject({ status: 'FAILURE', name: 'boom', args: [7] });
  });
});

describe('AsyncResult.info() (Celery .info): what the task stored last, without waiting or throwing', () => {
  it('undefined while PENDING, progress meta in a custom state, the value once SUCCESS', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { app, tasks: step } = await started({}, (app) =>
      app.task('step', async () => {
        await currentTask().progress({ done: 3, of: 10 });
        await gate;
        return 'all done';
      }),
    );
    expect(await app.asyncResult('no-such-id').info()).toBeUndefined();
    const r = await step.delay();
    const end = Date.now() + 5000;
    while ((await r.state()) !== 'PROGRESS' && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await r.info()).toEqual({ done: 3, of: 10 });
    release();
    await r.get({ timeoutMs: 5000 });
    expect(await r.info()).toBe('all done');
  });

  it('the error, returned not thrown, once FAILURE or REVOKED', async () => {
    const { app, tasks: fail } = await started({}, (app) =>
      app.task('fails', async () => {
        throw new TypeError('no such thing');
      }),
    );
    const failed = await fail.delay();
    await failed.get({ timeoutMs: 5000 }).catch(() => undefined);
    const info = await failed.info();
    expect(info).toBeInstanceOf(RemoteTaskError);
    expect(info).toMatchObject({ remoteType: 'TypeError', message: expect.stringContaining('no such thing') });
    const revoked = app.asyncResult('revoked-id');
    await revoked.revoke();
    expect(await revoked.info()).toBeInstanceOf(TaskRevokedError);
  });
});
