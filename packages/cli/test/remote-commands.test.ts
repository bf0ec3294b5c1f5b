import { randomUUID } from 'node:crypto';
import { type App, createApp, type Worker } from '@tq/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runControl } from '../src/remote/run-control.js';
import { runInspect } from '../src/remote/run-inspect.js';
import { runStatus } from '../src/remote/run-status.js';
import { captureIo } from './capture-io.js';

// In-process on memory://: a worker and the command functions share one app, as `tq` would on a real broker.
let app: App;
let worker: Worker;
let node: string;
let queue: string;
let release: () => void;

beforeEach(async () => {
  app = createApp({ broker: 'memory://', backend: 'memory://' });
  node = `tq-${randomUUID()}@test`;
  queue = `cli-${randomUUID()}`;
  app.task('cli.add', (x: number, y: number) => x + y);
  app.task('cli.hold', () => new Promise<void>((resolve) => (release = resolve)));
  worker = app.worker({ hostname: node, queues: [queue], concurrency: 2 });
  await worker.start();
});

afterEach(async () => {
  release?.();
  await worker.close();
  await app.close();
});

/** Every command waits for replies until its timeout unless `-d` names the nodes: keep it short. */
const quick = { timeoutMs: 300 };

describe('tq status', () => {
  it('lists the online worker and counts it', async () => {
    const io = captureIo();
    expect(await runStatus(app, quick, io)).toBe(0);
    expect(io.stdout()).toBe(`->  ${node}: OK\n\n1 node online.\n`);
  });

  it("exits 69 with Celery's message when no node answers", async () => {
    const io = captureIo();
    expect(await runStatus(app, { ...quick, destination: ['nobody@nowhere'] }, io)).toBe(69);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toBe('Error: No nodes replied within time constraint\n');
  });

  it('prints {node: reply} as JSON with --json', async () => {
    const io = captureIo();
    expect(await runStatus(app, { ...quick, json: true }, io)).toBe(0);
    expect(JSON.parse(io.stdout())).toEqual({ [node]: { ok: 'pong' } });
  });
});

describe('tq inspect', () => {
  it('ping: each reply under its node, then the node count (as celery inspect)', async () => {
    const io = captureIo();
    expect(await runInspect(app, 'ping', [], { destination: [node] }, io)).toBe(0);
    expect(io.stdout()).toBe(`->  ${node}: OK\n        pong\n\n1 node online.\n`);
  });

  it('registered: one `* name` line per task', async () => {
    const io = captureIo();
    expect(await runInspect(app, 'registered', [], { destination: [node] }, io)).toBe(0);
    expect(io.stdout()).toContain(`->  ${node}: OK\n    * cli.add\n    * cli.hold\n`);
  });

  it('active: the running task; reserved and scheduled: "- empty -"', async () => {
    const held = await app.getTask('cli.hold')?.applyAsync([], { queue });
    const io = captureIo();
    for (let i = 0; i < 100 && !io.stdout().includes(held?.id ?? '?'); i++) {
      await runInspect(app, 'active', [], { destination: [node], json: true }, io);
    }
    const active = JSON.parse(io.stdout().trim().split('\n').at(-1) ?? '{}')[node] as { id: string; name: string }[];
    expect(active).toEqual([expect.objectContaining({ id: held?.id, name: 'cli.hold' })]);
    const text = captureIo();
    await runInspect(app, 'active', [], { destination: [node] }, text);
    expect(text.stdout()).toMatch(new RegExp(`^->  ${node}: OK\\n    \\* \\{.*"id":"${held?.id}"`));
    const empty = captureIo();
    expect(await runInspect(app, 'reserved', [], { destination: [node] }, empty)).toBe(0);
    expect(empty.stdout()).toBe(`->  ${node}: OK\n    - empty -\n\n1 node online.\n`);
    const query = captureIo();
    expect(await runInspect(app, 'query_task', [held?.id ?? ''], { destination: [node], json: true }, query)).toBe(0);
    expect(JSON.parse(query.stdout())[node][held?.id ?? '']).toEqual(['active', expect.objectContaining({ name: 'cli.hold' })]);
  });

  it('stats: a mapping as JSON with sorted keys, indented under the node', async () => {
    const io = captureIo();
    expect(await runInspect(app, 'stats', [], { destination: [node] }, io)).toBe(0);
    const body = io.stdout().split('\n').slice(1, -3).join('\n');
    const stats = JSON.parse(body) as Record<string, unknown>;
    expect(Object.keys(stats)).toEqual(Object.keys(stats).sort());
    expect(body.split('\n')[1]).toMatch(/^ {8}"/);
  });

  it('refuses an unknown command or missing arguments with exit 2, sending nothing', async () => {
    const io = captureIo();
    expect(await runInspect(app, 'pong', [], quick, io)).toBe(2);
    expect(io.stderr()).toMatch(/^Error: Command pong not recognized. Available inspect commands: active, active_queues, clock/);
    const missing = captureIo();
    expect(await runInspect(app, 'query_task', [], quick, missing)).toBe(2);
    expect(missing.stderr()).toBe("Error: Command 'query_task' takes arguments: <ids...>\n");
  });
});

describe('tq control', () => {
  it('rate_limit: the reply under OK; the worker shows the new limit', async () => {
    const io = captureIo();
    expect(await runControl(app, 'rate_limit', ['cli.add', '5/s'], { destination: [node] }, io)).toBe(0);
    expect(io.stdout()).toBe(`->  ${node}: OK\n        new rate limit set successfully\n`);
    const registered = captureIo();
    await runInspect(app, 'registered', [], { destination: [node] }, registered);
    expect(registered.stdout()).toContain('* cli.add [rate_limit=5/s]');
  });

  it('an {error} reply prints ERROR and still exits 0 (the node answered)', async () => {
    const io = captureIo();
    expect(await runControl(app, 'rate_limit', ['no.such.task', '5/s'], { destination: [node] }, io)).toBe(0);
    expect(io.stdout()).toBe(`->  ${node}: ERROR\n        unknown task\n`);
  });

  it('time_limit: seconds are checked before sending; the reply in JSON is [{node: reply}]', async () => {
    const bad = captureIo();
    expect(await runControl(app, 'time_limit', ['cli.add', 'soon'], quick, bad)).toBe(2);
    expect(bad.stderr()).toContain("takes arguments: <task_name> <soft> [hard]; soft: expected seconds (a number ≥ 0), got 'soon'");
    const io = captureIo();
    expect(await runControl(app, 'time_limit', ['cli.add', '10', '20'], { destination: [node], json: true }, io)).toBe(0);
    expect(JSON.parse(io.stdout())).toEqual([{ [node]: { ok: 'time limits set successfully' } }]);
  });

  it('revoke --terminate stops a running task', async () => {
    const held = await app.getTask('cli.hold')?.applyAsync([], { queue });
    while (!worker.active().includes(held?.id ?? '?')) await new Promise((r) => setTimeout(r, 10));
    const io = captureIo();
    expect(await runControl(app, 'revoke', [held?.id ?? ''], { destination: [node], terminate: true }, io)).toBe(0);
    expect(io.stdout()).toBe(`->  ${node}: OK\n        terminate: ${held?.id}\n`);
    await expect(held?.get({ timeoutMs: 5000 })).rejects.toThrow(/terminated/i);
    const misuse = captureIo();
    expect(await runControl(app, 'shutdown', [], { ...quick, terminate: true }, misuse)).toBe(2);
    expect(misuse.stderr()).toBe('Error: --terminate and --signal go with revoke only\n');
  });

  it('add_consumer and cancel_consumer change what inspect active_queues lists', async () => {
    const extra = `cli-extra-${randomUUID()}`;
    const add = captureIo();
    expect(await runControl(app, 'add_consumer', [extra], { destination: [node] }, add)).toBe(0);
    expect(add.stdout()).toBe(`->  ${node}: OK\n        add consumer ${extra}\n`);
    const queues = async () => {
      const io = captureIo();
      await runInspect(app, 'active_queues', [], { destination: [node], json: true }, io);
      return (JSON.parse(io.stdout())[node] as { name: string }[]).map((q) => q.name);
    };
    expect(await queues()).toEqual([queue, extra]);
    const cancel = captureIo();
    expect(await runControl(app, 'cancel_consumer', [extra], { destination: [node] }, cancel)).toBe(0);
    expect(await queues()).toEqual([queue]);
  });

  it('shutdown: the worker is told after a ping, listed, and shuts down warm', async () => {
    const offline = new Promise((resolve) => worker.events.once('worker-offline', resolve));
    const io = captureIo();
    expect(await runControl(app, 'shutdown', [], { destination: [node] }, io)).toBe(0);
    expect(io.stdout()).toBe(`->  ${node}: OK\n        shutdown sent\n`);
    await offline;
    const after = captureIo();
    expect(await runControl(app, 'shutdown', [], { ...quick, destination: [node] }, after)).toBe(69);
  });
});
