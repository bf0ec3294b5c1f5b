/**
 * Golden execution: the raw messages Python Celery 5.2.6 put on Redis (celery-wire-spec.md §1.14,
 * §12.1; `test/protocol/fixtures/celery-captures.ts`) are injected byte for byte into a memory
 * broker and run by a tq worker that registers `tasks.add`, `tasks.mul`, `tasks.tsum` and
 * `tasks.on_err`: results, chain steps, group members, chord bodies and callbacks come out as a
 * Python worker would produce them, under the ids the Python client pre-assigned.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type App,
  createApp,
  currentTask,
  formatPythonDate,
  MemoryBroker,
  MemoryResultBackend,
  type ResultMeta,
  type Worker,
} from '../../src/index.js';
import * as captures from '../protocol/fixtures/celery-captures.js';

type Envelope = { body: string; headers: Record<string, unknown>; properties: Record<string, unknown>; [key: string]: unknown };

const get = { timeoutMs: 3000 };
let running: { app: App; worker: Worker }[] = [];

afterEach(async () => {
  for (const { app, worker } of running) {
    await worker.close({ timeoutMs: 200 });
    await app.close();
  }
  running = [];
});

/** A tq worker on Celery's default queue with the four Python tasks, and what they saw (records as Celery's `result_extended` writes them). */
async function pythonWorld() {
  const broker = new MemoryBroker();
  const backend = new MemoryResultBackend();
  const app = createApp({ broker, backend, resultExtended: true });
  const seen = { headers: new Map<string, Record<string, unknown>>(), errbacks: [] as string[], tsumInputs: [] as number[][], runs: 0 };
  app.task('tasks.add', async (x: number, y: number) => {
    seen.runs++;
    const { id, headers } = currentTask();
    seen.headers.set(id, { ...headers });
    // Python's int + str raises TypeError; mirror it so a failing capture can be built.
    if (typeof x !== 'number' || typeof y !== 'number')
      throw new TypeError(`unsupported operand type(s) for +: ${typeof x} and ${typeof y}`);
    return x + y;
  });
  app.task('tasks.mul', async (x: number, y: number) => x * y);
  app.task('tasks.tsum', async (xs: number[]) => {
    seen.tsumInputs.push(xs);
    return xs.reduce((a, b) => a + b, 0);
  });
  app.task('tasks.on_err', async (failedTaskId: string) => {
    seen.errbacks.push(failedTaskId);
    return failedTaskId;
  });
  const worker = app.worker({ queues: ['celery'], concurrency: 4 });
  await worker.start();
  running.push({ app, worker });
  return {
    app,
    backend,
    seen,
    inject: (raw: string) => broker.publishRaw('celery', raw),
    result: <R>(id: string) => app.asyncResult<R>(id).get(get),
    meta: async (id: string) => (await app.asyncResult(id).meta()) as ResultMeta,
  };
}

const parse = (raw: string) => JSON.parse(raw) as Envelope;
const decodeBody = (envelope: Envelope) => Buffer.from(envelope.body, 'base64').toString('utf8');
const withBody = (envelope: Envelope, body: string): Envelope => ({ ...envelope, body: Buffer.from(body).toString('base64') });

/**
 * A Python-shaped envelope (the header set and properties of the captured `add.delay(2, 3)`) around
 * a captured body text, for the captures the spec records as headers and body only.
 */
function envelopeAround(body: string, headers: Record<string, unknown>): string {
  const template = parse(captures.plainAdd);
  const id = headers.id as string;
  return JSON.stringify({
    ...withBody(template, body),
    headers: { ...template.headers, root_id: id, ...headers },
    properties: { ...template.properties, correlation_id: id, delivery_tag: randomUUID() },
  });
}

describe('captured Celery messages run on a tq worker', () => {
  it('plain add.delay(2, 3) → 5, stored as Celery meta under the Python id', async () => {
    const world = await pythonWorld();
    await world.inject(captures.plainAdd);
    const id = '9bc1111a-29dd-43c4-a209-c29cb8f4e222';
    expect(await world.result(id)).toBe(5);
    expect(await world.meta(id)).toMatchObject({ status: 'SUCCESS', result: 5, task_id: id, name: 'tasks.add', args: [2, 3], kwargs: {} });
  });

  it('zlib-compressed add(2, 3) → 5', async () => {
    const world = await pythonWorld();
    await world.inject(captures.compressed);
    expect(await world.result('f2542b5a-27bb-4d62-86a9-e1d77865c1bc')).toBe(5);
  });

  it('option-rich apply_async: kwargs bound by name, eta honoured, custom header seen, link callback run', async () => {
    const world = await pythonWorld();
    const envelope = parse(captures.optionRich);
    // Captured at 10:45 on this machine's clock (2026-11-21): its eta and expires are in the past
    // by now, and a past `expires` would (rightly) revoke it. Rewritten: eta 150 ms ahead (still a
    // Python-format aware datetime, so the worker's eta handling runs), expires a minute ahead.
    const eta = new Date(Date.now() + 150);
    envelope.headers.eta = formatPythonDate(eta, { aware: true });
    envelope.headers.expires = formatPythonDate(new Date(Date.now() + 60_000), { aware: true });
    await world.inject(JSON.stringify(envelope));
    const id = '688e77ea-c8cc-470e-891f-1fe395744d39';
    expect(await world.result(id)).toBe(7);
    expect(Date.now()).toBeGreaterThanOrEqual(eta.getTime());
    expect(world.seen.headers.get(id)).toMatchObject({ 'x-custom': 'hello', shadow: 'add-shadow', timelimit: [60, 50], lang: 'py' });
    // link=mul.s(10): applied with the result prepended, listed as the only child.
    const meta = await world.meta(id);
    expect(meta.children).toHaveLength(1);
    const callbackId = meta.children[0]?.[0][0] as string;
    expect(await world.result(callbackId)).toBe(70);
    expect(await world.meta(callbackId)).toMatchObject({ name: 'tasks.mul', args: [7, 10], parent_id: id });
    expect(world.seen.errbacks).toEqual([]);
  });

  it('option-rich apply_async that fails: link_error on_err gets [failed task id], link never runs', async () => {
    const world = await pythonWorld();
    const envelope = parse(captures.optionRich);
    // Same capture with y = "five" (a TypeError in Python too); eta dropped, expires as above.
    const failing = withBody(envelope, decodeBody(envelope).replace('{"y": 5}', '{"y": "five"}'));
    failing.headers.eta = null;
    failing.headers.expires = formatPythonDate(new Date(Date.now() + 60_000), { aware: true });
    await world.inject(JSON.stringify(failing));
    const id = '688e77ea-c8cc-470e-891f-1fe395744d39';
    await expect(world.result(id)).rejects.toMatchObject({ remoteType: 'TypeError', remoteModule: 'builtins' });
    await expect.poll(() => world.seen.errbacks, { timeout: 3000, interval: 5 }).toEqual([id]);
    expect((await world.meta(id)).children).toEqual([]);
  });

  it('chain add(2,2) | add(4) | add(8) | mul.si(3,3): reversed embed.chain, immutable last step → 9', async () => {
    const world = await pythonWorld();
    const headers = JSON.parse(captures.chainFirstHeaders) as Record<string, unknown>;
    await world.inject(envelopeAround(captures.chainFirstBody, headers));
    const [first, second, third, last] = [
      headers.id as string,
      '681482a2-6fcb-41ca-9f5b-cc0badf24dfd',
      '091b3e33-7555-434b-b959-3495fe79fdc0',
      '6eac10cf-d0d1-4257-b127-dba07d010313',
    ];
    expect(await world.result(last)).toBe(9);
    expect(await world.result(first)).toBe(4);
    expect(await world.result(second)).toBe(8);
    expect(await world.result(third)).toBe(16);
    // Each step's parent is the step before; the root is the first.
    expect(await world.meta(second)).toMatchObject({ parent_id: first, args: [4, 4] });
    expect(await world.meta(last)).toMatchObject({ parent_id: third, args: [3, 3] });
    expect(world.seen.headers.get(third)).toMatchObject({ root_id: first, parent_id: second });
    expect((await world.meta(first)).children).toEqual([[[second, null], null]]);
  });

  it('group member add(2, 2) → 4, stored with its group id', async () => {
    const world = await pythonWorld();
    await world.inject(captures.groupMember);
    const id = 'ee59b487-6f69-4032-9270-3fe57655cd2c';
    expect(await world.result(id)).toBe(4);
    expect(await world.meta(id)).toMatchObject({ group_id: '603f83a3-bf6c-4e55-b04a-de0de2c94468' });
  });

  it('chord header members (the .s size set first, as Python does on Redis) → tsum([0, 2, 4]) = 6, in group_index order', async () => {
    const world = await pythonWorld();
    const third = parse(captures.chordHeaderMember);
    const groupId = third.headers.group as string;
    // chord([add.s(i, i) for i in range(3)], tsum.s()): the client SETEXes `.s` = 3 before the last member.
    await world.backend.initChord(groupId, 3);
    const memberOf = (i: number): string => {
      const id = randomUUID();
      const member = withBody(third, decodeBody(third).replace('[[2, 2]', `[[${i}, ${i}]`));
      return JSON.stringify({
        ...member,
        headers: { ...third.headers, id, root_id: id, group_index: i, argsrepr: `(${i}, ${i})` },
        properties: { ...third.properties, correlation_id: id, delivery_tag: randomUUID() },
      });
    };
    // The captured (last) member first: the body must still get the results in header order.
    await world.inject(captures.chordHeaderMember);
    await world.inject(memberOf(0));
    await world.inject(memberOf(1));
    const bodyId = '2cea5372-df08-4a35-8798-9f99130b42f6';
    expect(await world.result(bodyId)).toBe(6);
    expect(world.seen.tsumInputs).toEqual([[0, 2, 4]]);
    expect(await world.meta(bodyId)).toMatchObject({ name: 'tasks.tsum', args: [[0, 2, 4]] });
  });

  it('the chord body message a Python worker published: tsum([2, 2]) → 4', async () => {
    const world = await pythonWorld();
    await world.inject(captures.chordBody);
    expect(await world.result('0389ea1a-52b2-438f-84fc-24073fb62c35')).toBe(4);
  });

  it('nested chain → chord (§12.1): add(1,1) | chord([add(10), mul(2)], tsum) | mul(3) → 48', async () => {
    const world = await pythonWorld();
    const id = randomUUID();
    await world.inject(envelopeAround(captures.chainToChordBody, { id, argsrepr: '(1, 1)' }));
    // The Python ids of the header members and of both body steps are kept.
    expect(await world.result('d7eabcc4-0b22-4764-b39b-040ca2b08dd9')).toBe(48);
    expect(await world.result('44477d2c-57fd-4f71-91b6-cc355e12b763')).toBe(12);
    expect(await world.result('4d5ca252-be0b-4f7c-abdf-88ff6e1a52df')).toBe(4);
    expect(await world.result('62d104af-db9b-4985-a730-0985673ca3d4')).toBe(16);
    expect(world.seen.tsumInputs).toEqual([[12, 4]]);
    // The header members belong to the chord's group (the celery.chord task_id).
    expect(await world.meta('44477d2c-57fd-4f71-91b6-cc355e12b763')).toMatchObject({
      group_id: 'c7839be1-b26f-452d-b802-877d0b6fecf2',
      parent_id: id,
    });
  });

  it('nested chain → group (§12.1): add(1,1) | group(add(10), mul(2)) → [12, 4] under the Python ids', async () => {
    const world = await pythonWorld();
    const id = randomUUID();
    await world.inject(envelopeAround(captures.chainToGroupBody, { id, argsrepr: '(1, 1)' }));
    expect(await world.result('f7c4d511-5036-476f-80b6-c2501b99569f')).toBe(12);
    expect(await world.result('5f2d2c63-0814-4a33-ad67-a0981cd2fbd8')).toBe(4);
    expect(await world.meta('f7c4d511-5036-476f-80b6-c2501b99569f')).toMatchObject({
      group_id: 'f860b588-62fd-4327-a811-110b792b25e2',
      parent_id: id,
    });
  });
});
