import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp, MemoryBroker, MemoryResultBackend } from '../../src/index.js';

interface Line {
  level: number;
  msg: string;
  blockedMs?: number;
  visibilityTimeoutMs?: number;
  tasks?: { id: string; task: string }[];
}

/** An app on its own memory broker whose log lines are kept. */
function appWith(visibilityTimeoutMs: number): { app: App; lines: Line[] } {
  const lines: Line[] = [];
  const logger = pino({ level: 'warn' }, { write: (json: string) => lines.push(JSON.parse(json) as Line) });
  const app = createApp({ broker: new MemoryBroker({ visibilityTimeoutMs }), backend: new MemoryResultBackend(), logger });
  apps.push(app);
  return { app, lines };
}

/** Synchronous CPU work: nothing else on the event loop runs meanwhile. */
function spin(ms: number): number {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
  return ms;
}

const blockedLines = (lines: Line[]) => lines.filter((line) => line.msg.includes('event loop was blocked'));

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});

describe('a task that blocks the event loop is reported', () => {
  it('blocked past a third of the visibility timeout: an error names the task, the block, the timeout and the fix', async () => {
    const { app, lines } = appWith(600);
    const crunch = app.task('crunch', (ms: number) => spin(ms));
    const worker = app.worker();
    await worker.start();
    const result = await crunch.delay(400);
    expect(await result.get({ timeoutMs: 10_000 })).toBe(400);
    const deadline = performance.now() + 5000;
    while (blockedLines(lines).length === 0 && performance.now() < deadline) await sleep(50);

    const [line] = blockedLines(lines);
    expect(line?.level).toBe(50);
    expect(line?.tasks).toEqual([{ id: result.id, task: 'crunch' }]);
    expect(line?.visibilityTimeoutMs).toBe(600);
    // Under-reported by at most the 50 ms sampling period (a loaded machine only makes it longer).
    expect(line?.blockedMs).toBeGreaterThanOrEqual(350);
    expect(line?.msg).toContain(`crunch[${result.id}]`);
    expect(line?.msg).toMatch(/worker thread or a process pool/);
    expect(line?.msg).toMatch(/visibilityTimeoutMs/);
    await worker.close();
  });

  it('blocks well inside the visibility timeout are not reported', async () => {
    const { app, lines } = appWith(6000);
    const crunch = app.task('crunch', (ms: number) => spin(ms));
    const worker = app.worker();
    await worker.start();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await crunch.delay(100));
    for (const result of results) expect(await result.get({ timeoutMs: 10_000 })).toBe(100);
    // The loop is sampled every 50 ms: a report would be there long before this.
    await sleep(1200);
    expect(blockedLines(lines)).toEqual([]);
    await worker.close();
  });
});
