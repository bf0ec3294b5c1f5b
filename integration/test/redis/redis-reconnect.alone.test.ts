import { randomUUID } from 'node:crypto';
import { captureLogger } from '@tq/conformance';
import { createApp } from '@tq/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { brokerAvailable, brokerRestartable, brokerUrl, restartBroker } from '../../harness/index.js';
import { brokerOn, deleteQueues } from './redis-test-env.js';

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

/**
 * A worker app and a producer app on one queue; `seen` collects the ids the worker ran. Once
 * `holdAfter` tasks ran, the others wait for `release()`, so a broker restart surely lands mid-run.
 */
async function workerAndProducer(holdAfter = Number.POSITIVE_INFINITY) {
  const queue = `reconnect-${randomUUID().slice(0, 8)}`;
  const seen = new Set<string>();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const { logger, lines } = captureLogger();
  const workerBroker = brokerOn('redis', { pollIntervalMs: 200, logger });
  const workerApp = createApp({ broker: workerBroker, logger: undefined });
  workerApp.task('reconnect.touch', async (id: string) => {
    if (seen.size >= holdAfter) await gate;
    seen.add(id);
  });
  const worker = workerApp.worker({ queues: [queue], concurrency: 4 });
  await worker.start();
  const producerApp = createApp({ broker: brokerOn('redis'), logger: undefined });
  const touch = producerApp.task('reconnect.touch', async (_id: string) => {});
  const send = async (count: number) => {
    const ids = Array.from({ length: count }, () => randomUUID());
    await Promise.all(ids.map((id) => touch.applyAsync([id], { queue })));
    return ids;
  };
  const close = async () => {
    await worker.close({ timeoutMs: 1000 });
    await Promise.all([workerApp.close(), producerApp.close()]);
    await deleteQueues('redis', [queue]);
  };
  return { seen, send, close, release, workerBroker, lines };
}

describe.skipIf(!brokerAvailable('redis'))('redis: consumption resumes by itself after losing the connection', () => {
  it('after CLIENT KILL of every client connection, the worker consumes again within seconds', async () => {
    const { seen, send, close, workerBroker, lines } = await workerAndProducer();
    const admin = new Redis(brokerUrl('redis'));
    try {
      const before = await send(20);
      await waitFor(() => before.every((id) => seen.has(id)), 'the first batch', 10_000);
      expect(workerBroker.health().healthy).toBe(true);

      // Every connection but the admin's own: the worker's command, doorbell and pub/sub links.
      const killed = Number(await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes'));
      expect(killed).toBeGreaterThanOrEqual(3);
      await admin.client('KILL', 'TYPE', 'pubsub');

      const after = await send(20);
      const resumedInMs = await waitFor(() => after.every((id) => seen.has(id)), 'the batch sent after CLIENT KILL', 10_000);
      expect(resumedInMs).toBeLessThan(5000);
      await waitFor(() => workerBroker.health().healthy, 'a healthy broker again', 5000);
      // The loss and the recovery are in the app's log, naming host:port, each connection once.
      const { host } = new URL(brokerUrl('redis'));
      const about = (msg: string) => lines.filter((line) => line.msg === msg);
      await waitFor(() => about('Redis connection recovered').length >= 3, 'the recoveries in the log', 5000);
      expect(about('Redis connection lost').every((line) => line.level === 'warn' && line.fields.redis === host)).toBe(true);
      expect(about('Redis connection recovered').every((line) => line.level === 'info' && line.fields.redis === host)).toBe(true);
      const connections = about('Redis connection lost').map((line) => line.fields.connection);
      expect(new Set(connections).size).toBe(connections.length);
      expect(connections).toEqual(expect.arrayContaining(['command', 'tq:consumer', 'tq:claims']));
    } finally {
      admin.disconnect();
      await close();
    }
  }, 30_000);

  it.skipIf(!brokerRestartable('redis'))(
    'after a redis-server restart mid-run, every task completes',
    async () => {
      const { seen, send, close, release, workerBroker } = await workerAndProducer(20);
      try {
        const before = await send(200);
        await waitFor(() => seen.size >= 20, 'the run to get going', 10_000);
        await restartBroker('redis');
        expect(seen.size).toBe(20); // the restart really was mid-run: the rest were held
        release();
        const after = await send(50);
        const all = [...before, ...after];
        const resumedInMs = await waitFor(() => all.every((id) => seen.has(id)), 'every task, across the restart', 20_000);
        expect(resumedInMs).toBeLessThan(10_000);
        await waitFor(() => workerBroker.health().healthy, 'a healthy broker again', 5000);
      } finally {
        await close();
      }
    },
    40_000,
  );
});
