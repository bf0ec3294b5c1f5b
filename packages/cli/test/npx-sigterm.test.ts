import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const cli = join(import.meta.dirname, '../src/bin.ts');
const fixture = join(import.meta.dirname, 'fixtures/guide-app.ts');

/** A project whose `node_modules/.bin/tq` runs the CLI from source, as an installed bin would run dist/bin.js. */
function projectWithTqBin(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tq-npx-'));
  writeFileSync(join(dir, 'package.json'), '{ "name": "npx-sigterm", "version": "1.0.0", "private": true }\n');
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  const bin = join(dir, 'node_modules/.bin/tq');
  // From the repository root, where tsx and @tq/core resolve.
  writeFileSync(bin, `#!/bin/sh\ncd '${root}' && exec '${process.execPath}' --conditions=@tq/source --import tsx '${cli}' "$@"\n`);
  chmodSync(bin, 0o755);
  return dir;
}

it('npx tq worker + SIGTERM to npx (which does not pass it on): the orphaned worker notices and shuts down warm', async () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TQ_') && !key.startsWith('npm_')));
  // Its own process group, so whatever is left when the test fails can be killed by group id.
  const npx = spawn('npx', ['--no-install', 'tq', 'worker', '--app', fixture], {
    cwd: projectWithTqBin(),
    env: { ...env, TQ_LOG_LEVEL: 'warn', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  npx.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npx.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close' comes once every process holding the pipes (npm, sh, the worker) has exited.
  const closed = new Promise<void>((resolve) => npx.on('close', () => resolve()));
  try {
    const end = Date.now() + 40_000;
    while (!output.includes('ready: consuming') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(output).toContain('ready: consuming celery');
    npx.kill('SIGTERM');
    // Bounded, so the group is killed below even when the worker stays (the failure this test is about).
    const stayed = await Promise.race([
      closed.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 30_000)),
    ]);
    expect(stayed, `the worker outlived npx:\n${output}`).toBe(false);
    expect(output).toContain('npm exited: the npm process that started this worker is gone: warm shutdown');
    expect(output).toContain('worker stopped');
  } finally {
    try {
      if (npx.pid) process.kill(-npx.pid, 'SIGKILL');
    } catch {
      // The group is gone: nothing was left behind.
    }
  }
}, 60_000);
