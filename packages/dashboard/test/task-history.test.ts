import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CeleryEvent, defaultLogger } from '@tq/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryFile } from '../src/history/history-file.js';
import { TaskHistory, type TaskHistoryConfig } from '../src/history/task-history.js';

let dir: string;
let path: string;
/** The clock of the history under test, in ms. */
let now: number;
const opened: TaskHistory[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tq-history-'));
  path = join(dir, 'history.jsonl');
  now = 1_800_000_000_000;
});

afterEach(async () => {
  for (const history of opened.splice(0)) await history.close();
  await rm(dir, { recursive: true, force: true });
});

async function open(config: Partial<TaskHistoryConfig> = {}): Promise<TaskHistory> {
  const history = new TaskHistory({ file: new HistoryFile(path, defaultLogger()), now: () => now, flushIntervalMs: 60_000, ...config });
  await history.start();
  opened.push(history);
  return history;
}

function event(type: string, uuid: string, fields: Record<string, unknown> = {}, timestamp = now / 1000): CeleryEvent {
  return { type, uuid, hostname: 'w1@test', timestamp, utcoffset: 0, pid: 1, clock: 1, ...fields };
}

describe('TaskHistory', () => {
  it('merges a task from its events, a late event of an earlier state moving nothing back', async () => {
    const history = await open();
    history.apply(event('task-received', 't1', { name: 'orders.charge', args: "('cust-1',)", kwargs: "{'amount': 42}" }));
    history.apply(event('task-succeeded', 't1', { result: "{'ok': True}", runtime: 0.25 }));
    history.apply(event('task-started', 't1'));
    expect(history.get('t1')).toMatchObject({
      id: 't1',
      name: 'orders.charge',
      state: 'SUCCESS',
      worker: 'w1@test',
      args: "('cust-1',)",
      kwargs: "{'amount': 42}",
      result: "{'ok': True}",
      runtime: 0.25,
    });
  });

  it('ignores worker events and task events without an id', async () => {
    const history = await open();
    history.apply({ ...event('worker-heartbeat', 'x'), uuid: undefined });
    history.apply({ ...event('task-received', 'x'), uuid: 42 });
    expect(history.size).toBe(0);
  });

  it('searches by id prefix, name, state, text in args or kwargs, exception and time range, newest first', async () => {
    const history = await open();
    history.apply(event('task-received', 'aaa-1', { name: 'orders.charge', kwargs: "{'customer': 'Alice'}" }, 100));
    history.apply(event('task-failed', 'aaa-1', { exception: "Error('declined')" }, 101));
    history.apply(event('task-received', 'bbb-2', { name: 'emails.send', args: "('alice@example.com',)" }, 102));
    history.apply(event('task-received', 'ccc-3', { name: 'orders.refund', kwargs: "{'customer': 'Bob'}" }, 103));
    const ids = (query: Parameters<TaskHistory['search']>[0]) => history.search(query).tasks.map((task) => task.id);
    expect(ids({})).toEqual(['ccc-3', 'bbb-2', 'aaa-1']);
    expect(ids({ id: 'bbb' })).toEqual(['bbb-2']);
    expect(ids({ name: 'ORDERS' })).toEqual(['ccc-3', 'aaa-1']);
    expect(ids({ state: 'FAILURE' })).toEqual(['aaa-1']);
    expect(ids({ text: 'alice' })).toEqual(['bbb-2', 'aaa-1']);
    expect(ids({ text: 'alice', name: 'orders' })).toEqual(['aaa-1']);
    expect(ids({ exception: 'DECLINED' })).toEqual(['aaa-1']);
    expect(ids({ from: 102 })).toEqual(['ccc-3', 'bbb-2']);
    expect(ids({ from: 101, to: 103 })).toEqual(['bbb-2', 'aaa-1']);
    expect(history.search({ limit: 1, offset: 1 })).toMatchObject({ total: 3, tasks: [{ id: 'bbb-2' }] });
  });

  it('survives a restart: what was flushed comes back, the last change of a task winning', async () => {
    const first = await open();
    first.apply(event('task-received', 't1', { name: 'a' }));
    await first.flush();
    first.apply(event('task-failed', 't1', { exception: "Error('x')", traceback: 'Error: x\n  at f' }));
    await first.close();
    opened.splice(0);
    const second = await open();
    expect(second.get('t1')).toMatchObject({ name: 'a', state: 'FAILURE', traceback: 'Error: x\n  at f' });
    // Loading compacts the file to one line per task.
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('skips a partial last line (a crash mid-append) and keeps the rest', async () => {
    const first = await open();
    first.apply(event('task-received', 't1', { name: 'a' }));
    await first.close();
    opened.splice(0);
    await appendFile(path, '{"id":"t2","name":"b","sta');
    const second = await open();
    expect(second.get('t1')?.name).toBe('a');
    expect(second.size).toBe(1);
  });

  it('fails to start on a history path it cannot write, instead of losing the history later', async () => {
    await writeFile(join(dir, 'a-file'), '');
    path = join(dir, 'a-file', 'history.jsonl');
    await expect(open()).rejects.toThrow(/ENOTDIR/);
  });

  it('keeps the changes of a failed write for the next flush', async () => {
    path = join(dir, 'sub', 'history.jsonl');
    const history = await open();
    history.apply(event('task-received', 't1', { name: 'a' }));
    // The folder turns into a file: the append fails.
    await rm(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'sub'), '');
    await expect(history.flush()).rejects.toThrow(/ENOTDIR|EEXIST/);
    await rm(join(dir, 'sub'));
    await history.flush();
    expect(await readFile(path, 'utf8')).toContain('"id":"t1"');
  });

  it('keeps at most maxTasks, the earliest seen going first', async () => {
    const history = await open({ maxTasks: 2 });
    for (const id of ['t1', 't2', 't3']) history.apply(event('task-received', id));
    expect(
      history
        .search({})
        .tasks.map((task) => task.id)
        .sort(),
    ).toEqual(['t2', 't3']);
  });

  it('drops tasks unchanged for longer than maxAgeMs, on load and while running', async () => {
    const first = await open({ maxAgeMs: 3600_000 });
    first.apply(event('task-received', 'old', {}, now / 1000 - 7200));
    first.apply(event('task-received', 'new'));
    await first.close();
    opened.splice(0);
    const second = await open({ maxAgeMs: 3600_000 });
    expect(second.get('old')).toBeUndefined();
    expect(second.get('new')).toBeDefined();
    now += 2 * 3600_000;
    await second.flush();
    expect(second.size).toBe(0);
  });

  it('compacts the file once it holds more than twice the history (and 1000 lines)', async () => {
    const history = await open();
    for (let i = 0; i < 600; i++) {
      history.apply(event('task-received', 't1', { retries: i }));
      history.apply(event('task-received', 't2', { retries: i }));
      await history.flush();
    }
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.length).toBeLessThan(1010);
    expect(history.get('t1')?.retries).toBe(599);
  });

  it('counts finished tasks per slice for the throughput chart', async () => {
    const history = await open();
    const t = now / 1000;
    history.apply(event('task-succeeded', 's1', {}, t - 12));
    history.apply(event('task-succeeded', 's2', {}, t - 11));
    history.apply(event('task-failed', 'f1', {}, t - 1));
    history.apply(event('task-started', 'r1', {}, t - 1));
    history.apply(event('task-succeeded', 'ancient', {}, t - 3600));
    const chart = history.throughput(60, 5);
    expect(chart.succeeded).toHaveLength(12);
    expect(chart.succeeded.reduce((a, b) => a + b)).toBe(2);
    expect(chart.failed.reduce((a, b) => a + b)).toBe(1);
    // Slices end with the current, partial one: [t, t+5) is last, so t-1 lies in the one before.
    expect(chart.start).toBe(t + 5 - 60);
    expect(chart.failed[10]).toBe(1);
  });
});
