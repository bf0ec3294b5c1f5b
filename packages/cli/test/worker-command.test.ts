import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const cli = join(import.meta.dirname, '../src/bin.ts');
const fixture = join(import.meta.dirname, 'fixtures/app.ts');

function startWorker(journal: string) {
  const child = spawn(
    process.execPath,
    ['--conditions=@tq/source', '--import', 'tsx', cli, 'worker', '--app', fixture, '--queues', 'celery', '-c', '2'],
    {
      env: { ...process.env, TQ_FIXTURE_JOURNAL: journal, TQ_FIXTURE_SLOW_MS: '800', TQ_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => stderr };
}

async function until(check: () => boolean, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('prints a banner, runs tasks, and finishes the running task on SIGTERM (warm shutdown)', async () => {
  const journal = join(mkdtempSync(join(tmpdir(), 'tq-cli-')), 'journal');
  const worker = startWorker(journal);
  const journalText = () => {
    try {
      return readFileSync(journal, 'utf8');
    } catch {
      return '';
    }
  };
  await until(() => journalText().includes('started'));
  expect(worker.output()).toMatch(/tq worker tq@\S/);
  expect(worker.output()).toContain('broker      memory://');
  expect(worker.output()).toContain('queues      celery');
  expect(worker.output()).toContain('. fixture.add');
  expect(worker.output()).toContain('. fixture.slow');
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
  expect(journalText()).toBe('started\nfinished\n');
  expect(worker.output()).toContain('SIGTERM: warm shutdown');
}, 30_000);

it('fails clearly when the module exports no app', async () => {
  const child = spawn(
    process.execPath,
    ['--conditions=@tq/source', '--import', 'tsx', cli, 'worker', '--app', join(import.meta.dirname, 'fixtures/not-an-app.ts')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  expect(code).toBe(1);
  expect(stderr).toContain('exports no tq app');
}, 30_000);

it('waits for an unreachable broker at start-up, saying where and when it retries, and stops on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    ['--conditions=@tq/source', '--import', 'tsx', cli, 'worker', '--app', join(import.meta.dirname, 'fixtures/unreachable-app.ts')],
    // From the repository root, where @tq/redis is installed (the app names redis://).
    { cwd: join(import.meta.dirname, '../../..'), env: { ...process.env, TQ_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await until(() => (stderr.match(/waiting for the broker/g) ?? []).length >= 2, 25_000);
  expect(stderr).toContain('waiting for the broker at redis://:***@127.0.0.1:1/0: ');
  expect(stderr).toMatch(/127\.0\.0\.1:1\b.*retrying in 1 s\n(.|\n)*retrying in 2 s\n/);
  expect(stderr).not.toContain('secret');
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 40_000);
