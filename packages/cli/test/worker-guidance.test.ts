import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const cli = join(import.meta.dirname, '../src/bin.ts');
const fixture = join(import.meta.dirname, 'fixtures/guide-app.ts');

/** `tq args...` from source, with `env` added to this process's (TQ_* variables of the caller removed). */
function tq(args: string[], env: Record<string, string> = {}) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TQ_')));
  const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', cli, ...args], {
    env: { ...inherited, TQ_LOG_LEVEL: 'warn', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function journalOf() {
  const path = join(mkdtempSync(join(tmpdir(), 'tq-cli-guide-')), 'journal');
  const read = () => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  return { path, read };
}

it('tq --version prints the versions of @tq/cli (from its package.json), @tq/core and Node', async () => {
  const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as { version: string };
  const run = tq(['--version']);
  expect(await run.exited).toBe(0);
  expect(run.output()).toBe(`@tq/cli ${version} (@tq/core ${version}, Node ${process.version})\n`);
}, 30_000);

it('on memory://: a loud warning with the fix; tasks listed with their queues; unconsumed queues named with --queues', async () => {
  const journal = journalOf();
  const worker = tq(['worker', '--app', fixture], { TQ_FIXTURE_JOURNAL: journal.path });
  await until(() => worker.output().includes('ready: consuming celery'), 'ready');
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
  const output = worker.output();
  expect(output).toMatch(/ {4}\. guide\.mail {7}\[emails\] {2}not consumed here\n {4}\. guide\.own-state {2}\[celery\]\n/);
  expect(output).toContain('  prefetch    40 (4 per slot; tasks of seconds or more: --prefetch-multiplier 1)');
  expect(output).toContain(
    '!! WARNING !!\n!! The broker is memory://, which lives inside this process: no other process can send this worker a task.',
  );
  expect(output).toContain('TQ_BROKER_URL=redis://localhost:6379/0');
  expect(output).toContain(
    'warning: 1 task is routed to queues this worker does not consume: guide.mail [emails].\n' +
      'Their messages wait (their callers see PENDING) until some worker consumes emails. To run them here too:\n' +
      '  --queues celery,emails   (or TQ_QUEUES=celery,emails)\n',
  );
  // Warnings come before "ready", so nobody reads "ready" first.
  expect(output.indexOf('!! WARNING !!')).toBeLessThan(output.indexOf('ready:'));
}, 30_000);

it('every worker flag reads TQ_<FLAG>; the command line wins; --track-started (TQ_TRACK_STARTED=yes) stores STARTED', async () => {
  const journal = journalOf();
  const worker = tq(['worker', '-c', '3'], {
    TQ_APP: fixture,
    TQ_QUEUES: 'celery,emails',
    TQ_CONCURRENCY: '7',
    TQ_PREFETCH_MULTIPLIER: '1',
    TQ_TRACK_STARTED: 'yes',
    TQ_FIXTURE_JOURNAL: journal.path,
  });
  await until(() => journal.read() !== '', 'the task to report its state');
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
  expect(journal.read()).toBe('STARTED\n');
  const output = worker.output();
  expect(output).toContain('  queues      celery, emails\n  concurrency 3\n  prefetch    3 (1 per slot)\n');
  expect(output).not.toContain('not consume');
}, 30_000);

it('without --track-started the record says PENDING while the task runs (TQ_TRACK_STARTED=false is off)', async () => {
  const journal = journalOf();
  const worker = tq(['worker', '--app', fixture], { TQ_TRACK_STARTED: 'false', TQ_FIXTURE_JOURNAL: journal.path });
  await until(() => journal.read() !== '', 'the task to report its state');
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
  expect(journal.read()).toBe('PENDING\n');
}, 30_000);

it('refuses an environment value its flag would refuse, naming the variable', async () => {
  const notANumber = tq(['worker', '--app', fixture], { TQ_CONCURRENCY: 'lots' });
  expect(await notANumber.exited).toBe(1);
  expect(notANumber.output()).toContain(
    "error: TQ_CONCURRENCY='lots' (the environment's --concurrency) is invalid: expected a positive integer",
  );
  const notYesOrNo = tq(['worker', '--app', fixture], { TQ_BEAT: 'sometimes' });
  expect(await notYesOrNo.exited).toBe(1);
  expect(notYesOrNo.output()).toContain(
    "error: TQ_BEAT='sometimes' (the environment's --beat) is invalid: expected 1, true, yes, on or 0, false, no, off",
  );
}, 30_000);

it('--help shows each flag with its variable, and examples', async () => {
  const help = tq(['worker', '--help']);
  expect(await help.exited).toBe(0);
  // Help wraps at the terminal's width: compare with the line breaks folded.
  const folded = help.output().replace(/\s+/g, ' ');
  for (const variable of [
    'TQ_APP',
    'TQ_QUEUES',
    'TQ_CONCURRENCY',
    'TQ_PREFETCH_MULTIPLIER',
    'TQ_TRACK_STARTED',
    'TQ_TIME_LIMIT',
    'TQ_POOL',
  ]) {
    expect(folded).toMatch(new RegExp(`env: ${variable}\\b`));
  }
  expect(help.output()).toContain('Examples:\n  $ tq worker --app ./dist/app.js --queues celery,emails -c 16\n');
  const top = tq(['--help']);
  expect(await top.exited).toBe(0);
  expect(top.output()).toContain('npx does not pass SIGTERM on');
}, 30_000);
