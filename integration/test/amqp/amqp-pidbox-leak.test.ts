import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from '@tq/core';
import { connect } from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { amqpUrl, deleteQueues, testBroker } from './amqp-support.js';

process.env.TQ_LOG_LEVEL ??= 'fatal';
const here = import.meta.dirname;
const REPLY = 'reply.celery.pidbox';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Which of `queues` exist, by passive declares (each failed one costs its channel), a few at a time. */
async function existing(queues: readonly string[]): Promise<string[]> {
  const connection = await connect(amqpUrl());
  try {
    const found: string[] = [];
    for (let i = 0; i < queues.length; i += 50) {
      await Promise.all(
        queues.slice(i, i + 50).map(async (queue) => {
          const channel = await connection.createChannel();
          channel.on('error', () => {});
          try {
            await channel.checkQueue(queue);
            found.push(queue);
            await channel.close();
          } catch (error) {
            if ((error as { code?: number }).code !== 404) throw error;
          }
        }),
      );
    }
    return found;
  } finally {
    await connection.close();
  }
}

/** Resolves once `child` printed its `ready` line. */
async function ready(child: ChildProcess): Promise<void> {
  let output = '';
  for await (const chunk of child.stdout ?? []) {
    output += String(chunk);
    if (output.split('\n').includes('ready')) return;
  }
  throw new Error(`the child exited before it was ready: ${output}`);
}

async function waitUntilGone(queue: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await existing([queue])).length > 0) {
    if (performance.now() > deadline) throw new Error(`${queue} still exists after ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('amqp remote control leaves nothing behind', () => {
  it('1,000 control requests against a running worker leave no reply queue, and the node queue goes with the worker', async () => {
    const queue = `tq-leak-${randomUUID()}`;
    const broker = testBroker();
    // Record the mailbox names the requests use, to look each one up afterwards.
    const mailboxes = new Set<string>();
    const openMailbox = broker.control.openMailbox.bind(broker.control);
    broker.control.openMailbox = (id, ttlMs, handler) => {
      mailboxes.add(id);
      return openMailbox(id, ttlMs, handler);
    };
    const app = createApp({ broker, defaultQueue: queue });
    cleanups.push(async () => {
      await app.close();
      await deleteQueues([queue]);
    });
    const hostname = `leak-${randomUUID()}@test`;
    const worker = app.worker({ queues: [queue], hostname });
    await worker.start();

    // 50 rounds of 20 concurrent requests; `limit: 1` returns as soon as the worker answered.
    for (let round = 0; round < 50; round++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => app.control.request('ping', {}, { destination: [hostname], timeoutMs: 10_000, limit: 1 })),
      );
      for (const answer of answers) expect(answer).toEqual([{ node: hostname, reply: { ok: 'pong' } }]);
    }
    expect(mailboxes.size).toBe(1000);
    expect(await existing([...mailboxes].map((id) => `${id}.${REPLY}`))).toEqual([]);

    await worker.close();
    await waitUntilGone(`${hostname}.celery.pidbox`, 10_000);
  }, 120_000);

  it('the mailbox of a caller that was killed goes away by itself within its ttl; a late reply to it is dropped', async () => {
    const id = randomUUID();
    const mailbox = `${id}.${REPLY}`;
    const ttlMs = 2_000;
    const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', join(here, 'fixtures/mailbox-child.ts')], {
      env: { ...process.env, AMQP_URL: amqpUrl(), MAILBOX_ID: id, MAILBOX_TTL_MS: String(ttlMs) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await ready(child);
    expect(await existing([mailbox])).toEqual([mailbox]);

    // Killed: nothing is cancelled or deleted by the caller. Auto-delete (its consumer is gone) or
    // x-expires (unused for `ttlMs`) removes it; the deadline leaves a loaded machine its slack.
    child.kill('SIGKILL');
    await once(child, 'exit');
    await waitUntilGone(mailbox, ttlMs + 10_000);

    const replier = testBroker();
    cleanups.push(() => replier.close());
    await replier.connect();
    await replier.control.reply(id, { body: Buffer.from('{"late@test": {"ok": "pong"}}'), headers: { ticket: 't', clock: 1 } });
    expect(await existing([mailbox])).toEqual([]);
  }, 30_000);
});
