import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp, MemoryBroker, MemoryResultBackend } from '../../src/index.js';

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});

/** Synchronous CPU work: nothing else on the event loop runs meanwhile. */
function spin(ms: number): number {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
  return ms;
}

describe('an inline task that blocks the event loop', { timeout: 30_000 }, () => {
  it('is told once, by name, to use a pool', async () => {
    const lines: { level: number; msg: string; task?: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (json: string) => lines.push(JSON.parse(json)) });
    // A long visibility timeout: only the pool hint speaks, not the visibility error.
    const app = createApp({ broker: new MemoryBroker({ visibilityTimeoutMs: 600_000 }), backend: new MemoryResultBackend(), logger });
    apps.push(app);
    const crunch = app.task('crunch', (ms: number) => spin(ms));
    const worker = app.worker();
    await worker.start();
    const hints = () => lines.filter((line) => line.msg.includes('blocked the worker'));
    for (let i = 0; i < 2; i++) {
      await (await crunch.delay(400)).get({ timeoutMs: 10_000 });
      // The watch samples every 50 ms: let it see the block.
      await sleep(200);
    }
    await worker.close();
    expect(hints()).toHaveLength(1);
    expect(hints()[0]).toMatchObject({ level: 40, task: 'crunch' });
    expect(hints()[0]?.msg).toMatch(/app\.task\('crunch', \{ pool: 'threads' \}, fn\)/);
  });
});
