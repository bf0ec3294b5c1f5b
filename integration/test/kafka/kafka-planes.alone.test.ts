import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createApp } from '@tq/core';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteQueues, kafkaSeeds, testBroker, uniqueQueue } from './kafka-support.js';

const ownerScript = fileURLToPath(new URL('./fixtures/kafka-plane-owner.ts', import.meta.url));
const integrationDir = fileURLToPath(new URL('../../', import.meta.url));

const admin = new Kafka({ brokers: kafkaSeeds(), logLevel: logLevel.NOTHING }).admin();
/** What a plane reader could leave on the broker: consumer groups and topics. */
const brokerState = async () => ({
  groups: (await admin.listGroups()).groups.map((g) => g.groupId).sort(),
  topics: (await admin.listTopics()).sort(),
});

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
beforeAll(() => admin.connect());
afterAll(() => admin.disconnect());

// Alone (integration-alone): it compares every topic and consumer group on the broker before and after.
describe('kafka control and event planes', () => {
  it('answers 200 pings of a running worker and leaves no consumer group or topic behind', async () => {
    const queue = uniqueQueue('planes');
    const app = createApp({ broker: testBroker(), defaultQueue: queue });
    const worker = app.worker({ queues: [queue], hostname: `planes-${randomUUID().slice(0, 8)}@test` });
    try {
      await worker.start();
      await app.control.ping({ destination: [worker.hostname] }); // the plane topics exist from here on
      const before = await brokerState();
      for (let round = 0; round < 20; round++) {
        // Ten at a time: mailboxes open side by side, each keeping its own replies.
        const replies = await Promise.all(
          Array.from({ length: 10 }, () => app.control.ping({ destination: [worker.hostname], timeoutMs: 10_000 })),
        );
        for (const reply of replies) expect(reply).toEqual([{ node: worker.hostname, reply: { ok: 'pong' } }]);
      }
      expect(await brokerState()).toEqual(before);
    } finally {
      await worker.close();
      await app.close();
      await deleteQueues([queue]);
    }
  });

  it('a killed listener, mailbox and subscriber leave nothing on the broker', async () => {
    const before = await brokerState();
    const owner = await startOwner(`dead-${randomUUID().slice(0, 8)}@test`, randomUUID());
    owner.kill('SIGKILL');
    await new Promise((resolve) => owner.once('exit', resolve));
    expect(await brokerState()).toEqual(before);
  });
});

/** Start a plane reader process; resolves once it reads all three topics. */
function startOwner(node: string, mailbox: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', ownerScript, node, mailbox], {
    cwd: integrationDir,
    env: { ...process.env, TQ_LOG_LEVEL: 'silent' },
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
