import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { captureLogger } from '@tq/conformance';
import { createApp } from '@tq/core';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerRestartable, restartBroker } from '../../harness/index.js';
import { amqpUrl, deleteQueues, testBroker } from './amqp-support.js';

process.env.TQ_LOG_LEVEL ??= 'fatal';
const here = import.meta.dirname;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function recorded(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('amqp reliability', () => {
  it('a worker SIGKILLed mid-batch loses nothing: another worker finishes every task', async () => {
    const queue = `tq-it-kill-${randomUUID()}`;
    const dir = mkdtempSync(join(tmpdir(), 'tq-amqp-kill-'));
    const file = join(dir, 'recorded.txt');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const producer = createApp({ broker: testBroker(), defaultQueue: queue });
    cleanups.push(async () => {
      await producer.close();
      await deleteQueues([queue]);
    });
    const record = producer.task('record', async (_id: string) => {});
    const ids = Array.from({ length: 400 }, () => randomUUID());
    for (const id of ids) await record.delay(id);

    const child: ChildProcess = spawn(
      process.execPath,
      ['--conditions=@tq/source', '--import', 'tsx', join(here, 'fixtures/worker-child.ts')],
      {
        env: { ...process.env, AMQP_URL: amqpUrl(), QUEUE: queue, RECORD_FILE: file },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await waitFor(() => recorded(file).length >= 80, 'the child worker to get going');
    child.kill('SIGKILL');
    await once(child, 'exit');
    const beforeKill = new Set(recorded(file));
    expect(beforeKill.size).toBeLessThan(ids.length);

    // The killed worker's unacknowledged deliveries are back; a fresh worker drains everything.
    const survivor = createApp({ broker: testBroker(), defaultQueue: queue });
    cleanups.push(() => survivor.close());
    const { appendFileSync } = await import('node:fs');
    survivor.task('record', async (id: string) => appendFileSync(file, `${id}\n`));
    const worker = survivor.worker({ queues: [queue], concurrency: 16 });
    await worker.start();
    cleanups.push(() => worker.close());
    await waitFor(() => ids.every((id) => recorded(file).includes(id)), 'every task to be recorded');
    const broker = await survivor.broker();
    await waitFor(async () => (await broker.size(queue)) === 0, 'an empty queue');
  }, 90_000);

  it.skipIf(!brokerRestartable('amqp'))(
    'RabbitMQ restarted mid-run: nothing confirmed is lost, consumers resume, the loss and reconnect are logged without the password',
    async () => {
      const queue = `tq-it-restart-${randomUUID()}`;
      const { logger, lines } = captureLogger();
      const app = createApp({ broker: testBroker({ publishTimeoutMs: 60_000, logger }), defaultQueue: queue });
      cleanups.push(async () => {
        await app.close();
        await deleteQueues([queue]);
      });
      const done = new Set<string>();
      app.task('record', async (id: string) => {
        await sleep(5);
        done.add(id);
      });
      const control: string[] = [];
      const broker = await app.broker();
      await broker.control?.listen(`restart-${randomUUID()}@test`, (message) =>
        control.push(JSON.parse(Buffer.from(message.body).toString()).tag),
      );
      const worker = app.worker({ queues: [queue], concurrency: 8 });
      await worker.start();
      cleanups.push(() => worker.close());
      const record = app.getTask('record');

      // Publish continuously across the restart; every publish either resolves (confirmed) or rejects.
      const confirmed: string[] = [];
      const failed: unknown[] = [];
      let publishing = true;
      const publisher = (async () => {
        while (publishing) {
          const id = randomUUID();
          await record?.delay(id).then(
            () => confirmed.push(id),
            (error: unknown) => failed.push(error),
          );
          await sleep(2);
        }
      })();
      await waitFor(() => done.size >= 100, 'tasks before the restart');
      await restartBroker('amqp');
      const afterRestart = confirmed.length;
      await waitFor(() => confirmed.length >= afterRestart + 100, 'publishes after the restart', 60_000);
      publishing = false;
      await publisher;

      await waitFor(() => confirmed.every((id) => done.has(id)), 'every confirmed task to run', 60_000);
      expect(failed).toEqual([]);
      // The control subscription came back too.
      await broker.control?.broadcast({ body: Buffer.from('{"tag":"after-restart"}'), headers: { clock: 1, expires: 0 } });
      await waitFor(() => control.includes('after-restart'), 'a broadcast after the restart');

      // Through the logger the broker was given: the loss and the reconnect, naming host:port only.
      const { host, password } = new URL(amqpUrl());
      expect(lines.some((line) => line.level === 'warn' && line.msg === `RabbitMQ at ${host}: connection lost; reconnecting`)).toBe(true);
      expect(lines.some((line) => line.level === 'info' && line.msg === `RabbitMQ at ${host}: reconnected`)).toBe(true);
      if (password) expect(JSON.stringify(lines)).not.toContain(password);
    },
    120_000,
  );
});
