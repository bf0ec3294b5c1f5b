import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPackages } from '../../../tools/pack/pack-packages.js';
import { publishedPackages, repositoryRoot } from '../../../tools/pack/published-packages.js';
import { brokerUrl } from '../../harness/index.js';
import { deleteQueues } from '../redis/redis-test-env.js';

// A user's first hour, automated: every package packed as npm would get it, installed with npm into a
// fresh project outside the workspace, an app type-checked and compiled against what was installed,
// and a task run by a worker started from the installed `tq` bin (on Redis: a worker in another
// process needs a real broker).
const run = promisify(execFile);
const project = mkdtempSync(join(tmpdir(), 'tq-packed-app-'));
const tarballDir = mkdtempSync(join(tmpdir(), 'tq-tarballs-'));
const queue = `packed-${randomUUID()}`;
const env = { ...process.env, TQ_BROKER_URL: brokerUrl('redis'), APP_QUEUE: queue, TQ_LOG_LEVEL: 'warn', NO_COLOR: '1' };
let worker: ChildProcess | undefined;

beforeAll(async () => {
  const tarballs = await packPackages(tarballDir);
  cpSync(join(import.meta.dirname, 'app'), project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'packed-app', private: true, type: 'module' }));
  // npm, not pnpm: the flat node_modules most users have. npm adds vitest, the peer of @tq/conformance, itself.
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs.map((pkg) => pkg.tarball), '@types/node@20'], {
    cwd: project,
  });
}, 240_000);

afterAll(async () => {
  if (worker?.exitCode === null) worker.kill('SIGKILL');
  await deleteQueues('redis', [queue]);
  for (const dir of [project, tarballDir]) rmSync(dir, { recursive: true, force: true });
});

describe('the packed packages, installed with npm outside the workspace', () => {
  it('install one copy of @tq/core, and each package with its LICENSE and README', () => {
    for (const { name } of publishedPackages()) {
      const dir = join(project, 'node_modules', name);
      expect(existsSync(join(dir, 'node_modules/@tq/core')), `${name} has a core of its own`).toBe(false);
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toContain('MIT License');
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(`# ${name}`);
    }
  });

  it('type-check and compile an app against the installed types (skipLibCheck off)', async () => {
    const tsc = join(repositoryRoot, 'node_modules/typescript/bin/tsc');
    const outcome = await run(process.execPath, [tsc, '-p', project]).then(
      () => 'compiled',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(outcome).toBe('compiled');
  }, 120_000);

  it('run a task and a chain through a worker started from the installed tq bin', async () => {
    const output: string[] = [];
    worker = spawn(join(project, 'node_modules/.bin/tq'), ['worker', '--app', './dist/app.js', '--queues', queue, '--concurrency', '2'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => worker?.once('exit', (code) => resolve(code)));

    const client = await run(process.execPath, ['dist/client.js'], { cwd: project, env }).catch((error: Error & { stderr?: string }) => {
      throw new Error(`client failed: ${error.stderr ?? error.message}\nworker output:\n${output.join('')}`);
    });
    expect(JSON.parse(client.stdout)).toEqual({ sum: 5, chained: 9 });

    worker.kill('SIGTERM');
    expect(await exited, output.join('')).toBe(0);
  }, 90_000);
});
