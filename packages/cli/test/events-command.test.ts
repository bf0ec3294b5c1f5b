import { randomUUID } from 'node:crypto';
import { stripVTControlCharacters } from 'node:util';
import { type App, createApp, type Worker } from '@tq/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runEvents } from '../src/monitor/run-events.js';
import { Terminal } from '../src/terminal.js';
import { captureIo } from './capture-io.js';

// In-process on memory://: a worker sending task events and heartbeats, and `tq events` on the same app.
let app: App;
let worker: Worker;
let node: string;
let queue: string;
let release: () => void;

beforeEach(async () => {
  app = createApp({ broker: 'memory://', backend: 'memory://' });
  node = `tq-${randomUUID()}@test`;
  queue = `events-${randomUUID()}`;
  app.task('ev.add', (x: number, y: number) => x + y);
  app.task('ev.boom', () => {
    throw new RangeError('kaboom');
  });
  app.task('ev.hold', () => new Promise<void>((resolve) => (release = resolve)));
  worker = app.worker({ hostname: node, queues: [queue], taskEvents: true, heartbeatIntervalMs: 100 });
  await worker.start();
});

afterEach(async () => {
  release?.();
  await worker.close();
  await app.close();
});

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Run `tq events` until `done`; resolves with its exit code. */
function watch(options: Omit<Parameters<typeof runEvents>[1], 'signal'>, io: ReturnType<typeof captureIo>) {
  const stop = new AbortController();
  const exited = runEvents(app, { ...options, signal: stop.signal }, io);
  return { exited, stop: () => stop.abort() };
}

describe('tq events --dump', { timeout: 20_000 }, () => {
  it('prints each event on one line, task events named after the task', async () => {
    const io = captureIo();
    const events = watch({ dump: true }, io);
    await until(() => io.stdout().includes(`${node} [`), 'a heartbeat');
    const added = await app.getTask('ev.add')?.applyAsync([2, 3], { queue });
    await until(() => io.stdout().includes('task succeeded'), 'task-succeeded');
    events.stop();
    expect(await events.exited).toBe(0);
    const lines = io.stdout().split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^${node} \\[20\\d\\d-.*Z\\] worker heartbeat: active=0, clock=\\d+, freq=0.1,`)),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^${node} \\[.*\\] task received: ev.add\\(${added?.id}\\) args=\\(2, 3\\), `)),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^${node} \\[.*\\] task succeeded: ev.add\\(${added?.id}\\) .*result=5, runtime=`)),
    );
    expect(io.stdout()).not.toContain('\x1b[');
  });

  it('prints a traceback on the lines after its event, indented', async () => {
    const io = captureIo();
    const events = watch({ dump: true }, io);
    await until(() => io.stdout().includes(`${node} [`), 'a heartbeat');
    await app.getTask('ev.boom')?.applyAsync([], { queue });
    await until(() => io.stdout().includes('task failed'), 'task-failed');
    events.stop();
    await events.exited;
    expect(io.stdout()).toMatch(/task failed: ev\.boom\(.*exception=RangeError\('kaboom'\).*\ntraceback:\n {4}\S/);
  });

  it('--json: one event per line as received', async () => {
    const io = captureIo();
    const events = watch({ json: true }, io);
    const added = await until(() => io.stdout().includes('worker-heartbeat'), 'a heartbeat').then(() =>
      app.getTask('ev.add')?.applyAsync([1, 1], { queue }),
    );
    await until(() => io.stdout().includes('task-succeeded'), 'task-succeeded');
    events.stop();
    await events.exited;
    const parsed = io
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; uuid?: string; hostname: string });
    expect(parsed.filter((e) => e.uuid === added?.id).map((e) => e.type)).toEqual(['task-received', 'task-started', 'task-succeeded']);
    expect(parsed.every((e) => e.hostname === node)).toBe(true);
  });
});

describe('tq events (live view)', { timeout: 20_000 }, () => {
  it('piped: plain frames with the worker online, the running task, rates and the latest failure', async () => {
    const io = captureIo();
    const events = watch({ refreshMs: 50 }, io);
    // Each frame is written whole and starts with its title line.
    const frame = () =>
      `tq events ${
        io
          .stdout()
          .split(/^tq events /m)
          .at(-1) ?? ''
      }`;
    await until(() => frame().includes(node), 'the worker in a frame');
    await app.getTask('ev.boom')?.applyAsync([], { queue });
    const held = await app.getTask('ev.hold')?.applyAsync([], { queue });
    await until(() => frame().includes('Active tasks: 1') && frame().includes('RangeError'), 'a frame with the task and the failure');
    events.stop();
    expect(await events.exited).toBe(0);
    const text = frame();
    expect(text).toMatch(/^tq events {2}memory:\/\/ {2}\d\d:\d\d:\d\d\n/);
    expect(text).toMatch(
      new RegExp(`Workers: 1 online\\n {2}NODE +STATUS +ACTIVE +PROCESSED +LOAD +SOFTWARE\\n {2}${node} +online +\\d+ +\\d+ `),
    );
    expect(text).toMatch(
      new RegExp(`Active tasks: 1\\n {2}STATE +FOR +WORKER +ID +TASK\\n {2}STARTED +\\d+\\.\\ds +${node} +${held?.id} +ev\\.hold\\(\\)`),
    );
    expect(text).toMatch(/Rates \(last 10 s\): received \d+\.\d\/s {2}succeeded \d+\.\d\/s {2}failed 0\.[1-9]\/s/);
    expect(text).toMatch(/Recent failures:\n {2}AT +WORKER +ID +TASK +EXCEPTION\n {2}\d\d:\d\d:\d\d .*ev\.boom +RangeError\('kaboom'\)/);
    expect(io.stdout()).not.toContain('\x1b[');
  });

  it('on a colour terminal: its own screen, redrawn in place to fit it, colours, and the screen given back at the end', async () => {
    let written = '';
    const tty = { write: (chunk: string) => (written += chunk), isTTY: true, columns: 60, rows: 8, hasColors: () => true };
    const io = { out: new Terminal(tty), err: new Terminal(tty) };
    const stop = new AbortController();
    const exited = runEvents(app, { refreshMs: 50, signal: stop.signal }, io);
    await until(() => written.includes('Workers: 1 online'), 'the worker drawn');
    stop.abort();
    expect(await exited).toBe(0);
    expect(written.startsWith('\x1b[?1049h\x1b[?25l\x1b[H')).toBe(true);
    expect(written.endsWith('\x1b[?25h\x1b[?1049l')).toBe(true);
    expect(written).toContain(`\x1b[32monline`);
    // Every frame fits the 60 × 8 screen (a line left for the cursor), escape codes aside.
    const visible = stripVTControlCharacters(written);
    expect(Math.max(...visible.split('\n').map((line) => line.length))).toBeLessThanOrEqual(60);
    const frames = written.split('\x1b[H').slice(1);
    expect(Math.max(...frames.map((frame) => frame.split('\n').length - 1))).toBe(7);
  });
});
