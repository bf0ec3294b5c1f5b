/**
 * `pnpm bench dashboard`: how quickly the dashboard answers with 100,000 tasks in its history — the
 * task list unfiltered (newest 50), by state, by name, by a kwarg value (a full scan of the reprs),
 * the overview (throughput chart + counts) — over real HTTP, median and worst of 9 calls each; and
 * how long loading a 100,000-task history file takes at start. TASKS=n sets the size.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '@tq/core';
import { dashboardHandler } from '@tq/dashboard';
import { printTable } from './print-table.js';

const TASKS = Number(process.env.TASKS ?? 100_000);
const CALLS = 9;
process.env.TQ_LOG_LEVEL ??= 'warn';

/** The benchmark (called by integration/bench/run.ts). */
export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tq-dashboard-bench-'));
  const historyPath = join(dir, 'history.jsonl');
  const app = createApp({ broker: 'memory://' });
  try {
    const first = dashboardHandler(app, { historyPath, maxTasks: TASKS });
    await first.start();
    const now = Date.now() / 1000;
    const outcomes = ['task-succeeded', 'task-failed', 'task-started'];
    for (let i = 0; i < TASKS; i++) {
      const base = { uuid: `task-${i}`, hostname: 'w1@bench', timestamp: now - TASKS + i, utcoffset: 0, pid: 1, clock: i };
      const name = `app.task${i % 20}`;
      first.dashboard.history.apply({ ...base, type: 'task-received', name, args: `(${i}, 'x')`, kwargs: `{'customer': 'cust-${i}'}` });
      first.dashboard.history.apply({ ...base, type: outcomes[i % 3] as string, result: '42', exception: "Error('x')" });
    }
    await first.close();

    const loadStart = performance.now();
    const handler = dashboardHandler(app, { historyPath, maxTasks: TASKS });
    await handler.start();
    const loadMs = performance.now() - loadStart;
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
    const rows: string[][] = [];
    for (const [label, path] of [
      ['tasks, newest 50', 'tasks'],
      ['tasks, state=FAILURE', 'tasks?state=FAILURE'],
      ['tasks, name=task7', 'tasks?name=task7'],
      ['tasks, kwarg value (text=cust-99999)', 'tasks?text=cust-99999'],
      ['overview', 'overview'],
    ] as const) {
      const times: number[] = [];
      for (let call = 0; call < CALLS; call++) {
        const start = performance.now();
        const response = await fetch(url + path);
        if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
        await response.arrayBuffer();
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      rows.push([label, (times[Math.floor(CALLS / 2)] as number).toFixed(1), (times.at(-1) as number).toFixed(1)]);
    }
    server.closeAllConnections();
    server.close();
    await handler.close();
    console.log(`${TASKS} tasks in history; loading the history file at start took ${loadMs.toFixed(0)} ms\n`);
    printTable(['query', 'median ms', 'worst ms'], rows);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}
