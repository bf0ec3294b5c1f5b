import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const cli = join(import.meta.dirname, '../src/bin.ts');

it('--pool processes --max-tasks-per-child 1 runs each task in a new child process', async () => {
  const journal = join(mkdtempSync(join(tmpdir(), 'tq-cli-pool-')), 'journal');
  const args = ['worker', '--app', join(import.meta.dirname, 'fixtures/pool-app.ts'), '-c', '1', '--pool', 'processes'];
  const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', cli, ...args, '--max-tasks-per-child', '1'], {
    env: { ...process.env, TQ_FIXTURE_JOURNAL: journal, TQ_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const pids = () => {
    try {
      return readFileSync(journal, 'utf8').trim().split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const end = Date.now() + 20_000;
  while (pids().length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(stderr).toContain('pool        processes');
  const [first, second] = pids();
  expect(first).not.toBe(child.pid);
  expect(second).not.toBe(child.pid);
  // One task per child: the second ran in a new process.
  expect(second).not.toBe(first);
}, 30_000);

it('refuses an unknown pool, naming the choices', async () => {
  const child = spawn(
    process.execPath,
    ['--conditions=@tq/source', '--import', 'tsx', cli, 'worker', '--app', 'x.js', '--pool', 'prefork'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  expect(await new Promise((resolve) => child.on('exit', resolve))).not.toBe(0);
  expect(stderr).toMatch(/Allowed choices are inline, threads, processes/);
}, 30_000);
