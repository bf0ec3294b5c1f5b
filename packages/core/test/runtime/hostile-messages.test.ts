import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type App,
  type CanvasNode,
  CanvasTooLargeError,
  type Chain,
  chain,
  createApp,
  createTaskMessage,
  MAX_CANVAS_DEPTH,
  MAX_CANVAS_NODES,
  MemoryBroker,
  MemoryResultBackend,
  type SigningConfig,
  TqError,
  toEnvelope,
} from '../../src/index.js';

/** `chain()` over a list built at run time (its typed signature checks fixed tuples of steps). */
const chainOf = chain as unknown as (...steps: CanvasNode<never, number>[]) => Chain<[], number>;

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

/** An app on a fresh memory broker with an `add` task that counts its runs, and a started worker. */
async function running(signing?: SigningConfig) {
  const broker = new MemoryBroker();
  const backend = new MemoryResultBackend();
  const app = createApp({ broker, backend, ...(signing ? { signing } : {}) });
  apps.push(app);
  const runs: unknown[] = [];
  const add = app.task('add', async (x: number, y: number) => {
    runs.push([x, y]);
    return x + y;
  });
  const worker = app.worker();
  const rejected: string[] = [];
  worker.events.on('task-rejected', (event) => rejected.push(event.reason));
  await worker.start();
  return { app, broker, backend, add, runs, rejected, worker };
}

/** An `add` envelope whose body is `bodyText`. */
function envelopeWithBody(bodyText: string, id = randomUUID()): string {
  const envelope = JSON.parse(toEnvelope(createTaskMessage({ task: 'add', id, args: [1, 2] }), { queue: 'celery' }));
  envelope.body = Buffer.from(bodyText).toString('base64');
  return JSON.stringify(envelope);
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('hostile messages are dead-lettered with a readable reason; the worker keeps running', () => {
  it("deep nesting, a '__proto__' key, pickle: each dead-lettered, nothing polluted, valid tasks still run", async () => {
    const { app, broker, add, runs, rejected } = await running();
    const hostile = [
      envelopeWithBody(`[[1, 2], {"x": ${'['.repeat(200_000)}${']'.repeat(200_000)}}, null]`),
      envelopeWithBody('[[1, 2], {"__proto__": {"polluted": "yes"}}, null]'),
      (() => {
        const envelope = JSON.parse(envelopeWithBody('[[1, 2], {}, null]'));
        envelope['content-type'] = 'application/x-python-serialize';
        return JSON.stringify(envelope);
      })(),
    ];
    for (const raw of hostile) await broker.publishRaw('celery', raw);
    expect(await (await add.delay(20, 22)).get({ timeoutMs: 10_000 })).toBe(42);
    await waitFor(() => rejected.length === 3, 'three rejections');
    expect(rejected).toHaveLength(3);
    expect(rejected).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /Body has a '__proto__' key \(in Body\[1\]\): refused, since code that copies or merges objects turns it into prototype pollution/,
        ),
        expect.stringMatching(/Body nests deeper than 512 levels of arrays and objects \(at Body\[1\]\.x/),
        expect.stringMatching(/Refused content type 'application\/x-python-serialize': pickle can execute code/),
      ]),
    );
    const letters = await (await app.broker()).deadLetters('celery');
    expect(letters.map((l) => l.reason).sort()).toEqual(rejected.sort());
    expect(runs).toEqual([[20, 22]]);
  });
});

describe('canvas limits when sending', () => {
  it(`a chain of more than ${MAX_CANVAS_NODES} steps is refused before anything is sent`, async () => {
    const { app, add, runs } = await running();
    const steps = Array.from({ length: MAX_CANVAS_NODES + 2 }, () => add.s(1));
    const error = await chainOf(add.s(1, 1), ...steps)
      .delay()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CanvasTooLargeError);
    expect(TqError.is(error, 'TQ_CANVAS_TOO_LARGE')).toBe(true);
    expect((error as Error).message).toMatch(
      /^Message .* \(add\) cannot be sent: its canvas has more than 10000 signatures .*split the workflow/,
    );
    expect(await (await app.broker()).size('celery')).toBe(0);
    expect(runs).toEqual([]);
  });

  it(`callbacks nested more than ${MAX_CANVAS_DEPTH} deep are refused`, async () => {
    const { add } = await running();
    let sig = add.s(1);
    for (let i = 0; i < MAX_CANVAS_DEPTH; i++) sig = add.s(1).link(sig);
    const error = await add
      .s(1, 1)
      .link(sig)
      .delay()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CanvasTooLargeError);
    expect((error as Error).message).toMatch(/its canvas nests signatures deeper than 100 levels/);
  });

  it('a canvas within the limits is sent and runs', async () => {
    const { add } = await running();
    const steps = Array.from({ length: 50 }, () => add.s(1));
    expect(await (await chainOf(add.s(1, 1), ...steps).delay()).get({ timeoutMs: 20_000 })).toBe(52);
  });
});

describe('signing in the worker', () => {
  const signing = { sign: { keyId: 'k1', key: randomBytes(32) } };

  it('signed messages run and unsigned ones are dead-lettered before any FAILURE is stored under their id', async () => {
    const { add, broker, backend, runs, rejected } = await running(signing);
    expect(await (await add.delay(1, 2)).get({ timeoutMs: 10_000 })).toBe(3);
    const id = randomUUID();
    await broker.publishRaw('celery', toEnvelope(createTaskMessage({ task: 'add', id, args: [5, 5] }), { queue: 'celery' }));
    // Undecodable, with a readable id: without signing its id would get a FAILURE; here the id is not trusted.
    const undecodable = randomUUID();
    await broker.publishRaw('celery', envelopeWithBody('not json', undecodable));
    await waitFor(() => rejected.length === 2, 'two rejections');
    expect(rejected).toContain('unsigned message; this worker requires signed messages (signing.require)');
    expect(await backend.get(id)).toBeUndefined();
    expect(await backend.get(undecodable)).toBeUndefined();
    expect(runs).toEqual([[1, 2]]);
  });

  it('without require, unsigned messages run', async () => {
    const { broker, runs } = await running({ ...signing, require: false });
    await broker.publishRaw('celery', toEnvelope(createTaskMessage({ task: 'add', id: randomUUID(), args: [5, 5] }), { queue: 'celery' }));
    await waitFor(() => runs.length === 1, 'the unsigned task');
  });

  it('a bad signing config fails createApp, not the first send', () => {
    expect(() => createApp({ broker: 'memory://', signing: { sign: { keyId: 'k1', key: 'short' } } })).toThrow(/HMAC secret of 5 bytes/);
  });
});
