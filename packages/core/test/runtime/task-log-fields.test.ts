import { pino } from 'pino';
import { expect, it } from 'vitest';
import { createApp, MemoryBroker, taskLogFields } from '../../src/index.js';

it("lines logged inside a task name it, lines outside do not, and no line inherits another one's fields", async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info', mixin: taskLogFields }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const app = createApp({ broker: new MemoryBroker(), logger });
  const charge = app.task('billing.charge', async (cents: number) => {
    logger.child({ component: 'payments' }).info({ cents }, 'charging card');
  });
  const worker = app.worker({ concurrency: 1 });
  try {
    logger.info({ reason: 'first' }, 'outside, with a field of its own');
    await worker.start();
    await charge.delay(1250);
    await expect.poll(() => lines.some((line) => line.msg === 'charging card')).toBe(true);
    logger.info('outside again');
  } finally {
    await worker.close();
    await app.close();
  }
  const charging = lines.find((line) => line.msg === 'charging card');
  expect(charging).toMatchObject({ task: 'billing.charge', component: 'payments', cents: 1250 });
  expect(charging?.taskId).toMatch(/^[0-9a-f-]{36}$/);
  expect(charging).not.toHaveProperty('reason');
  const after = lines.find((line) => line.msg === 'outside again');
  expect(after).not.toHaveProperty('taskId');
  expect(after).not.toHaveProperty('reason');
});
