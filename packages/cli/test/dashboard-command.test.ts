import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const cli = join(import.meta.dirname, '../src/bin.ts');
const fixture = join(import.meta.dirname, 'fixtures/app.ts');

function start(args: string[]) {
  const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', cli, 'dashboard', '--app', fixture, ...args], {
    env: { ...process.env, TQ_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

it('serves under --base-path behind --basic-auth, and stops on SIGTERM with its history written', async () => {
  const history = join(mkdtempSync(join(tmpdir(), 'tq-cli-dashboard-')), 'history.jsonl');
  const port = await freePort();
  const run = start(['--port', String(port), '--base-path', '/tq', '--basic-auth', 'alice:pw:with:colons', '--history', history]);
  const end = Date.now() + 20_000;
  while (!run.stderr().includes('ready: dashboard on') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  expect(run.stderr()).toContain(`ready: dashboard on http://127.0.0.1:${port}/tq/`);
  const url = `http://127.0.0.1:${port}/tq/api/config`;
  expect((await fetch(url)).status).toBe(401);
  const alice = { authorization: `Basic ${Buffer.from('alice:pw:with:colons').toString('base64')}` };
  expect(await (await fetch(url, { headers: alice })).json()).toMatchObject({ user: 'alice', readOnly: false, broker: 'memory://' });
  run.child.kill('SIGTERM');
  expect(await run.exited).toBe(0);
  expect(existsSync(history)).toBe(true);
}, 30_000);

it('refuses --basic-auth without user:password, saying so', async () => {
  const run = start(['--basic-auth', 'alice']);
  expect(await run.exited).not.toBe(0);
  expect(run.stderr()).toContain('expected user:password pairs');
}, 30_000);
