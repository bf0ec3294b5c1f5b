import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp, MemoryBroker, MemoryResultBackend, type ResultMeta, type SetResultOptions } from '../../src/index.js';

/** A result backend whose STARTED writes fail while `down`, like a lost connection. */
class StartedWritesFail extends MemoryResultBackend {
  down = true;

  override async set(taskId: string, meta: ResultMeta, options?: SetResultOptions): Promise<void> {
    if (this.down && meta.status === 'STARTED') throw new Error('Connection is closed.');
    return super.set(taskId, meta, options);
  }
}

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

describe('an error nobody expected while handling a delivery settles it', () => {
  it('a transient one (the STARTED write failing) gives the message back: it runs once the backend is back', async () => {
    const backend = new StartedWritesFail();
    const app = createApp({ broker: new MemoryBroker(), backend });
    apps.push(app);
    let runs = 0;
    const work = app.task('work', async () => {
      runs++;
      return 'done';
    });
    const worker = app.worker({ trackStarted: true });
    const received: string[] = [];
    worker.events.on('task-received', (event) => {
      received.push(event.id);
      // Back up once the first attempt was given back and received again.
      if (received.length === 2) backend.down = false;
    });
    await worker.start();
    const result = await work.delay();
    // Before the fix the message stayed held by the worker forever and get() timed out.
    expect(await result.get({ timeoutMs: 10_000 })).toBe('done');
    expect(runs).toBe(1);
    expect(received).toEqual([result.id, result.id]);
    await worker.close();
  }, 20_000);

  it('one retrying cannot fix (a listener throwing a TypeError) dead-letters the message with the reason', async () => {
    const app = createApp({ broker: new MemoryBroker(), backend: new MemoryResultBackend() });
    apps.push(app);
    let runs = 0;
    const work = app.task('work', async () => {
      runs++;
      return 'done';
    });
    const worker = app.worker();
    worker.events.on('task-received', () => {
      throw new TypeError('listener bug');
    });
    await worker.start();
    await work.delay();
    const broker = await app.broker();
    await expect.poll(() => broker.deadLetters('celery'), { timeout: 10_000 }).toHaveLength(1);
    const [letter] = await broker.deadLetters('celery');
    expect(letter?.reason).toBe('unexpected error while handling it: listener bug');
    expect(runs).toBe(0);
    await worker.close();
  }, 20_000);
});
