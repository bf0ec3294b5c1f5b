import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { createApp, type PlaneMessage } from '@tq/core';
import type { SqsBroker } from '@tq/sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteQueues, testBroker, testClient } from './sqs-test-support.js';

const ownerScript = fileURLToPath(new URL('./fixtures/sqs-plane-owner.ts', import.meta.url));
const integrationDir = fileURLToPath(new URL('../../', import.meta.url));
/** Short plane TTL, so a killed owner's queues are swept within seconds. */
const TTL_MS = 1000;

const encoder = new TextEncoder();
const message = (text: string): PlaneMessage => ({ body: encoder.encode(text), headers: { clock: 1 } });

const client = testClient();
/** Every queue on the server, or those whose name starts with `prefix`. */
const queues = async (prefix = '') =>
  ((await client.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000 }))).QueueUrls ?? [])
    .map((url) => url.slice(url.lastIndexOf('/') + 1))
    .sort();

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('sqs control and event planes', () => {
  // A prefix of our own: these brokers sweep and broadcast to this file's plane queues only.
  const prefix = `t${randomUUID().slice(0, 8)}-`;
  let caller: SqsBroker;

  beforeAll(async () => {
    caller = testBroker({ queueNamePrefix: prefix, planeQueueTtlMs: TTL_MS });
    await caller.connect();
  });
  afterAll(async () => {
    await caller.close();
    client.destroy();
  });

  it('answers 200 pings of a running worker and leaves no queue behind', async () => {
    const queue = `planes-${randomUUID().slice(0, 8)}`;
    const app = createApp({ broker: testBroker({ queueNamePrefix: prefix }), defaultQueue: queue });
    const worker = app.worker({ queues: [queue], hostname: `planes-${randomUUID().slice(0, 8)}@test` });
    try {
      await worker.start();
      // This file's queues only: other files create and delete theirs meanwhile.
      const before = await queues(prefix);
      for (let round = 0; round < 20; round++) {
        // Ten at a time: mailboxes open side by side, each keeping its own replies.
        const replies = await Promise.all(
          Array.from({ length: 10 }, () => app.control.ping({ destination: [worker.hostname], timeoutMs: 10_000 })),
        );
        for (const reply of replies) expect(reply).toEqual([{ node: worker.hostname, reply: { ok: 'pong' } }]);
      }
      expect(await queues(prefix)).toEqual(before);
    } finally {
      await worker.close();
      await app.close();
      await deleteQueues([`${prefix}${queue}`]);
    }
  });

  it("deletes a killed process's node, mailbox and event queues once the others use each kind", async () => {
    const owner = `dead-${randomUUID().slice(0, 8)}`;
    await startOwner(prefix, owner, `m-${owner}`);
    const left = await queues(prefix);
    expect(left.filter((name) => name.includes(owner))).toHaveLength(2); // its node queue and its mailbox
    expect(left.filter((name) => name.startsWith(`${prefix}tq-ev-`))).toHaveLength(1);
    children.at(-1)?.kill('SIGKILL');
    // Each use of a kind sweeps it (at most every TTL/2): a broadcast, a mailbox, an event.
    const deadline = Date.now() + 15_000;
    while ((await queues(prefix)).length > 0) {
      if (Date.now() > deadline) throw new Error(`still there: ${(await queues(prefix)).join(', ')}`);
      await caller.control.broadcast(message('{}'));
      const close = await caller.control.openMailbox(randomUUID(), 1000, () => {});
      await close();
      await caller.events.publish('worker.heartbeat', message('{}'));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await queues(prefix)).toEqual([]);
  });
});

/** Start a plane owner process; resolves once it owns its queues. */
function startOwner(prefix: string, node: string, mailbox: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', ownerScript, prefix, node, mailbox], {
    cwd: integrationDir,
    env: { ...process.env, TQ_LOG_LEVEL: 'silent', PLANE_TTL_MS: String(TTL_MS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`plane owner exited early (${code ?? signal})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}
