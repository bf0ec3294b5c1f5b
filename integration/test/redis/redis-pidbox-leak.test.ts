import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createApp } from '@tq/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerAvailable, brokerUrl } from '../../harness/index.js';
import { reportMs } from '../../harness/timing.js';
import { brokerOn } from './redis-test-env.js';

const SEP = '\x06\x16';
const callerScript = fileURLToPath(new URL('./fixtures/open-mailbox.ts', import.meta.url));
const integrationDir = fileURLToPath(new URL('../../', import.meta.url));

/** Every key under `prefix` (SCAN, as an operator would count them). */
async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A caller process that opens the mailboxes and never closes them; resolves once they are open. */
function startCaller(mailboxes: readonly { prefix: string; id: string; ttlMs: number }[]): Promise<ChildProcess> {
  const opened = mailboxes.flatMap((m) => [m.prefix, m.id, String(m.ttlMs)]);
  const args = ['--conditions=@tq/source', '--import', 'tsx', callerScript, brokerUrl('redis'), ...opened];
  const child = spawn(process.execPath, args, { cwd: integrationDir, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`caller exited early with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

describe.skipIf(!brokerAvailable('redis'))('redis: remote control leaves nothing behind (kombu#294)', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it('1,000 ping requests to a running worker leave no key, list or binding member', async (context) => {
    // A prefix of its own: the keys counted are this test's, whatever else runs on the server.
    const prefix = `leak-${randomUUID().slice(0, 8)}:`;
    const node = `tq-leak-${randomUUID().slice(0, 8)}@test`;
    const redis = new Redis(brokerUrl('redis'));
    const workerApp = createApp({ broker: brokerOn('redis', { keyPrefix: prefix }), logger: undefined });
    const callerApp = createApp({ broker: brokerOn('redis', { keyPrefix: prefix }), logger: undefined });
    const worker = workerApp.worker({ queues: [`leak-${randomUUID().slice(0, 8)}`], hostname: node });
    try {
      await worker.start();
      const before = await keysUnder(redis, prefix);
      const started = performance.now();
      for (let i = 0; i < 1000; i++) {
        const replies = await callerApp.control.request('ping', {}, { destination: [node], limit: 1, timeoutMs: 2000 });
        expect(replies).toEqual([{ node, reply: { ok: 'pong' } }]);
      }
      await reportMs(context, '1,000 pings', performance.now() - started);
      expect(await keysUnder(redis, prefix)).toEqual(before);
      expect(await redis.exists(`${prefix}_kombu.binding.reply.celery.pidbox`)).toBe(0);
    } finally {
      await worker.close();
      await Promise.all([workerApp.close(), callerApp.close()]);
      const left = await keysUnder(redis, prefix);
      if (left.length > 0) await redis.del(...left);
      redis.disconnect();
    }
  });

  it('a caller killed with its mailboxes open leaves nothing: keys expire with the ttl, or are swept while others live', async () => {
    const redis = new Redis(brokerUrl('redis'));
    // Two cases, each under a prefix of its own, killed in one process (one start-up to wait for).
    const alone = { prefix: `leak-${randomUUID().slice(0, 8)}:`, id: randomUUID(), ttlMs: 1500 };
    const swept = { prefix: `leak-${randomUUID().slice(0, 8)}:`, id: randomUUID(), ttlMs: 1000 };
    const member = (id: string) => `${id}${SEP}${SEP}${id}.reply.celery.pidbox`;
    const aloneBroker = brokerOn('redis', { keyPrefix: alone.prefix });
    const sweptBroker = brokerOn('redis', { keyPrefix: swept.prefix });
    await Promise.all([aloneBroker.connect(), sweptBroker.connect()]);
    const sweptBinding = `${swept.prefix}_kombu.binding.reply.celery.pidbox`;
    try {
      // A live caller keeps the shared keys of `swept` alive; its renewals (every third of its
      // ttl) sweep the mailboxes past their deadline.
      const live = randomUUID();
      const closeLive = await sweptBroker.control.openMailbox(live, 3000, () => {});
      const caller = await startCaller([alone, swept]);
      children.push(caller);
      expect(await redis.sismember(sweptBinding, member(swept.id))).toBe(1);
      caller.kill('SIGKILL');
      await new Promise((resolve) => caller.once('exit', resolve));
      // A reply lands after the caller died: the list exists too.
      const list = `${alone.prefix}${alone.id}.reply.celery.pidbox`;
      await aloneBroker.control.reply(alone.id, {
        body: new TextEncoder().encode('{"tq@leak": {"ok": "pong"}}'),
        headers: { ticket: 't', clock: 1 },
      });
      expect(await redis.llen(list)).toBe(1);
      expect(await redis.sismember(`${alone.prefix}_kombu.binding.reply.celery.pidbox`, member(alone.id))).toBe(1);

      // Nobody acts on `alone`: its keys expire.
      await waitFor(async () => (await keysUnder(redis, alone.prefix)).length === 0, 'the dead mailbox to expire', alone.ttlMs + 5000);
      await waitFor(async () => (await redis.smembers(sweptBinding)).length === 1, 'the dead mailbox to be swept', 5000);
      expect(await redis.smembers(sweptBinding)).toEqual([member(live)]);
      expect(await redis.zrange(`${swept.prefix}_tq.reply.celery.pidbox.deadlines`, 0, -1)).toEqual([live]);
      await closeLive();
      expect(await keysUnder(redis, swept.prefix)).toEqual([]);
    } finally {
      await Promise.all([aloneBroker.close(), sweptBroker.close()]);
      redis.disconnect();
    }
  });
});
