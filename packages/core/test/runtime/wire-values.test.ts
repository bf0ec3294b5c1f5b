import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type App,
  chain,
  createApp,
  createTaskMessage,
  currentTask,
  MemoryBroker,
  MemoryResultBackend,
  RemoteTaskError,
  TqError,
  toEnvelope,
} from '../../src/index.js';

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

/** An app on its own memory:// broker and backend, as a worker on another machine would see them. */
function world() {
  const broker = new MemoryBroker();
  const app = createApp({ broker, backend: new MemoryResultBackend() });
  apps.push(app);
  return { app, broker };
}

interface Booking {
  id: string;
  at: Date;
  note?: string;
  attachment: Uint8Array;
}

describe('values cross the memory:// transport as they were sent', () => {
  it('a Date argument arrives as a Date with the same millisecond, bytes arrive byte-identical, a returned Date comes back as a Date', async () => {
    const { app } = world();
    const received: unknown[] = [];
    const book = app.task('bookings.make', async (booking: Booking, raw: Uint8Array) => {
      received.push(booking, raw);
      return { confirmedAt: new Date(booking.at.getTime() + 1), size: raw.byteLength, echo: raw };
    });
    const worker = app.worker();
    await worker.start();
    const at = new Date('2026-11-21T10:45:46.457Z');
    const binary = new Uint8Array([0, 0xff, 0xfe, 0x80, 0x41]);
    const text = Buffer.from('hé\ufeff', 'utf8');
    const result = await (await book.delay({ id: 'b1', at, attachment: text }, binary)).get({ timeoutMs: 10_000 });

    const [booking, raw] = received as [Booking, Uint8Array];
    expect(booking.at).toBeInstanceOf(Date);
    expect(booking.at.getTime()).toBe(at.getTime());
    expect('note' in booking).toBe(false);
    expect(raw).toBeInstanceOf(Uint8Array);
    expect([...raw]).toEqual([...binary]);
    expect([...booking.attachment]).toEqual([...text]);
    expect(result.confirmedAt).toBeInstanceOf(Date);
    expect(result.confirmedAt.getTime()).toBe(at.getTime() + 1);
    expect([...result.echo]).toEqual([...binary]);
    await worker.close();
  });

  it("a chain hands a step's Date result to the next step as a Date; a task returning nothing gives null", async () => {
    const { app } = world();
    const later = app.task('dates.later', async (when: Date, ms: number) => new Date(when.getTime() + ms));
    const isDate = app.task('dates.is', async (value: Date) => value instanceof Date && value.toISOString());
    const nothing = app.task('dates.nothing', async (_when: Date) => {});
    const worker = app.worker();
    await worker.start();
    const start = new Date('2030-01-01T00:00:00.001Z');
    const checked = await (await chain(later.s(start, 1000), isDate.s()).delay()).get({ timeoutMs: 10_000 });
    expect(checked).toBe('2030-01-01T00:00:01.001Z');
    expect(await (await nothing.delay(start)).get({ timeoutMs: 10_000 })).toBeNull();
    await worker.close();
  });
});

describe('values with no faithful wire form', () => {
  it('an argument is refused at send time, naming the task and the argument; nothing is sent', async () => {
    const { app } = world();
    const build = app.task('reports.build', async (_title: string, _options: { when: { at: Date } }) => 1);
    // As a JavaScript caller, or one that cast its way past the types, would call it.
    const send = (...args: unknown[]) => build.applyAsync(args as never);
    const error = await send('q3', { when: { at: new Map([['day', 1]]) } }).catch((e: unknown) => e);
    expect(TqError.is(error, 'TQ_UNENCODABLE_VALUE')).toBe(true);
    expect((error as Error).message).toBe(
      "task 'reports.build': args[1].when.at is a Map, which JSON cannot carry; pass an object or an array of entries instead",
    );
    await expect(send('q3', undefined)).rejects.toThrow(/^task 'reports\.build': args\[1\] is undefined/);
    await expect(send('q3', { when: { at: 1n } })).rejects.toThrow(/^task 'reports\.build': args\[1\]\.when\.at is a BigInt/);
    expect(await (await app.broker()).size('celery')).toBe(0);
  });

  it("a result is refused when the task ends: FAILURE with kombu's EncodeError naming the path, and the chain after it fails too", async () => {
    const { app } = world();
    const tally = app.task('stats.tally', async (words: string[]) => ({ counts: new Map(words.map((w) => [w, 1])) }) as never);
    const after = app.task('stats.after', async (x: unknown) => x as number);
    const worker = app.worker();
    await worker.start();
    const direct = await (await tally.delay(['a'])).get({ timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(direct).toBeInstanceOf(RemoteTaskError);
    expect(direct).toMatchObject({
      remoteType: 'EncodeError',
      remoteModule: 'kombu.exceptions',
      message: expect.stringContaining(
        "task 'stats.tally' returned a value that cannot be stored or passed on: result.counts is a Map, which JSON cannot carry",
      ),
    });
    const chained = await (await chain(tally.s(['b']), after.s()).delay()).get({ timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(chained).toMatchObject({ remoteType: 'EncodeError' });
    await worker.close();
  });

  it('progress() with such a value fails the task with the path', async () => {
    const { app } = world();
    const slow = app.task('jobs.slow', async () => {
      await currentTask().progress({ done: new Set([1]) });
      return 1;
    });
    const worker = app.worker();
    await worker.start();
    const error = await (await slow.delay()).get({ timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: expect.stringContaining("task 'jobs.slow' progress(): meta.done is a Set") });
    await worker.close();
  });

  it('a received datetime JavaScript cannot read dead-letters the message with the path and stores FAILURE', async () => {
    const { app, broker } = world();
    const runs: unknown[] = [];
    app.task('dates.take', async (when: Date) => runs.push(when));
    const worker = app.worker();
    const rejected: string[] = [];
    worker.events.on('task-rejected', (event) => rejected.push(event.reason));
    await worker.start();
    const id = randomUUID();
    const envelope = JSON.parse(toEnvelope(createTaskMessage({ task: 'dates.take', id, args: [] }), { queue: 'celery' }));
    const body = [[{ __type__: 'datetime', __value__: 'next tuesday' }], {}, null];
    envelope.body = Buffer.from(JSON.stringify(body)).toString('base64');
    await broker.publishRaw('celery', JSON.stringify(envelope));
    const error = await app
      .asyncResult(id)
      .get({ timeoutMs: 10_000 })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'Body[0][0] is a kombu-tagged datetime whose value "next tuesday" is not an ISO-8601 datetime',
    );
    expect(rejected).toEqual([expect.stringContaining('Body[0][0] is a kombu-tagged datetime')]);
    expect((await (await app.broker()).deadLetters('celery')).map((letter) => letter.reason)).toEqual(rejected);
    expect(runs).toEqual([]);
    await worker.close();
  });
});

describe('periodic tasks keep their arguments in wire form', () => {
  it('a scheduled Date arrives as a Date (the store keeps it tagged); a Map is refused when scheduling', async () => {
    const { app } = world();
    const received: unknown[] = [];
    const remind = app.task('remind', async (at: Date) => received.push(at));
    const at = new Date('2030-01-01T00:00:00.123Z');
    app.schedule('remind-once', { at: new Date(Date.now() + 200) }, remind.s(at));
    const take = app.task('take', async (_m: Record<string, number>) => 1);
    expect(() => app.schedule('bad', { everyMs: 60_000 }, take.s(new Map() as never))).toThrow(
      /^schedule 'bad': signature\.args\[0\] is a Map, which JSON cannot carry/,
    );
    const worker = app.worker();
    const beat = app.beat();
    await Promise.all([worker.start(), beat.start()]);
    const stored = await (await app.scheduleStore()).get('remind-once');
    expect(stored?.signature.args).toEqual([{ __type__: 'datetime', __value__: '2030-01-01T00:00:00.123000+00:00' }]);
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual([at]);
    expect(received[0]).toBeInstanceOf(Date);
    await Promise.all([beat.close(), worker.close()]);
  });
});
