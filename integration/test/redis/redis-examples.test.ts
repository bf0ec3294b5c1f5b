import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerUrl } from '../../harness/index.js';

const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const cli = fileURLToPath(new URL('../../../packages/cli/src/bin.ts', import.meta.url));
/** Keys of this file's apps, so files running beside it never share a queue with the examples. */
const keyPrefix = `examples-${randomUUID()}:`;
const started: ChildProcess[] = [];

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  const redis = new Redis(brokerUrl('redis'));
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** The example's broker and backend: the harness's Redis, under this file's key prefix. */
function exampleEnv(): NodeJS.ProcessEnv {
  const url = new URL(brokerUrl('redis'));
  url.searchParams.set('keyPrefix', keyPrefix);
  return { ...process.env, TQ_BROKER_URL: url.href, TQ_LOG_LEVEL: 'warn', NO_COLOR: '1', PORT: '0' };
}

/** Start `args` with node (through tsx) in the example's folder; resolves with its first output line matching `ready`. */
function start(example: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', ...args], {
    cwd: `${examples}${example}`,
    env: exampleEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) resolve({ child, match });
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready:\n${output}`)));
  });
}

/** The example's web server and a `tq worker` process for its app, on the queues given. */
async function exampleRunning(example: string, queues: string) {
  const [server, worker] = await Promise.all([
    start(example, ['src/server.ts'], /listening on (http:\/\/\S+)/),
    start(example, [cli, 'worker', '--app', 'src/tasks.ts', '--queues', queues, '-n', `${example}-${randomUUID()}@%h`], /ready: consuming/),
  ]);
  return { base: server.match[1] as string, workerPid: worker.child.pid, serverPid: server.child.pid };
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

async function stateOf(url: string, until: (body: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const end = Date.now() + 30_000;
  for (;;) {
    const body = await json(await fetch(url));
    if (until(body) || Date.now() > end) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('examples/express-app: an Express server enqueues, a separate tq worker process runs', { timeout: 90_000 }, () => {
  it('POST /signups answers 202 with the task id; the worker sends the e-mail; GET /tasks/:id shows the result or the error', async () => {
    const { base, workerPid, serverPid } = await exampleRunning('express-app', 'emails');
    const accepted = await fetch(`${base}/signups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ann@example.com', name: 'Ann' }),
    });
    expect(accepted.status).toBe(202);
    const { taskId, status } = (await json(accepted)) as { taskId: string; status: string };
    expect(status).toBe(`/tasks/${taskId}`);
    const done = await stateOf(`${base}${status}`, (body) => body.state === 'SUCCESS');
    expect(done).toEqual({ id: taskId, state: 'SUCCESS', result: { to: 'ann@example.com', subject: 'Welcome, Ann!', sentBy: workerPid } });
    expect(workerPid).not.toBe(serverPid);

    const bad = (await json(
      await fetch(`${base}/signups`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'not-an-address', name: 'Bob' }),
      }),
    )) as { status: string };
    expect(await stateOf(`${base}${bad.status}`, (body) => body.state === 'FAILURE')).toMatchObject({
      state: 'FAILURE',
      error: expect.stringContaining('not an e-mail address: not-an-address'),
    });
    const refused = await fetch(`${base}/signups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(400);
  });
});

describe('examples/fastify-app: a Fastify server enqueues, a separate tq worker process runs', { timeout: 90_000 }, () => {
  it('POST /reports answers 202; GET /reports/:id?waitMs waits for the worker’s result; a bad body never reaches the queue', async () => {
    const { base, workerPid } = await exampleRunning('fastify-app', 'reports');
    const accepted = await fetch(`${base}/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Q3', figures: [1.5, 2, 3] }),
    });
    expect(accepted.status).toBe(202);
    const { taskId, status } = (await json(accepted)) as { taskId: string; status: string };
    expect(await json(await fetch(`${base}${status}?waitMs=20000`))).toEqual({
      id: taskId,
      state: 'SUCCESS',
      result: { title: 'Q3', total: 6.5, builtBy: workerPid },
    });
    const refused = await fetch(`${base}/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Q4', figures: 'many' }),
    });
    expect(refused.status).toBe(400);
  });
});
