import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';

const cli = join(import.meta.dirname, '../src/bin.ts');
const root = join(import.meta.dirname, '../../..');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function worker(fixture: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--conditions=@tq/source', '--import', 'tsx', cli, 'worker', '--app', join(import.meta.dirname, 'fixtures', fixture), ...args],
    // From the repository root, where the transports are installed; TQ_LOG_LEVEL unset: the flag decides.
    { cwd: root, env: { ...withoutLogSettings(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => stderr };
}

function withoutLogSettings(): NodeJS.ProcessEnv {
  const { TQ_LOG_LEVEL: _level, TQ_LOG_FORMAT: _format, ...rest } = process.env;
  return rest;
}

async function until(check: () => boolean, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it('--metrics-port, --health-port and --loglevel: scrape, probes, and JSON log lines naming the task', async () => {
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const w = worker('logging-app.ts', ['--metrics-port', String(metricsPort), '--health-port', String(healthPort), '--loglevel', 'DEBUG']);
  await until(() => w.output().includes('charging card') && w.output().includes('ready: consuming'));
  expect(w.output()).toContain(`metrics on :${metricsPort}/metrics, health on :${healthPort}/health/live|ready`);

  // stderr is a pipe: JSON lines, and the one logged inside the task names it.
  const lines = w
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const charging = lines.find((line) => line.msg === 'charging card');
  expect(charging).toMatchObject({ task: 'fixture.charge', cents: 1250, level: 30 });
  expect(charging?.taskId).toMatch(/^[0-9a-f-]{36}$/);
  expect(lines.some((line) => line.level === 20)).toBe(true); // DEBUG lines show

  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  expect(metrics).toMatch(/^celery_worker_up\{hostname="tq@[^"]+"\} 1$/m);
  expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  // Health is served on its own port only.
  expect((await fetch(`http://127.0.0.1:${metricsPort}/health/live`)).status).toBe(404);
  const live = await fetch(`http://127.0.0.1:${healthPort}/health/live`);
  expect(live.status).toBe(200);
  expect(await live.json()).toMatchObject({ live: true, ready: true, readyMessages: 0 });
  expect((await fetch(`http://127.0.0.1:${healthPort}/health/ready`)).status).toBe(200);
  expect((await fetch(`http://127.0.0.1:${healthPort}/metrics`)).status).toBe(404);

  w.child.kill('SIGTERM');
  expect(await w.exited).toBe(0);
}, 60_000);

it('TQ_LOG_FORMAT=pretty prints readable lines that still name the task', async () => {
  const w = worker('logging-app.ts', [], { TQ_LOG_FORMAT: 'pretty' });
  await until(() => w.output().includes('charging card'));
  const line = w
    .output()
    .split('\n')
    .find((l) => l.includes('charging card')) as string;
  expect(line.startsWith('{')).toBe(false);
  expect(line).toContain('INFO');
  expect(w.output()).toMatch(/task: "fixture\.charge"/);
  w.child.kill('SIGTERM');
  expect(await w.exited).toBe(0);
}, 60_000);

it('a password in the broker URL is never printed, not even at DEBUG, and the health port says not ready', async () => {
  const healthPort = await freePort();
  const w = worker('unreachable-app.ts', ['--loglevel', 'debug', '--health-port', String(healthPort)]);
  await until(() => (w.output().match(/waiting for the broker/g) ?? []).length >= 2, 30_000);
  const ready = await fetch(`http://127.0.0.1:${healthPort}/health/ready`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ ready: false, reason: 'not started' });
  // Not started yet is not dead: the kubelet must not restart a worker waiting for its broker.
  expect((await fetch(`http://127.0.0.1:${healthPort}/health/live`)).status).toBe(200);
  expect(w.output()).toContain('redis://:***@127.0.0.1:1/0');
  expect(w.output()).not.toContain('secret');
  w.child.kill('SIGTERM');
  expect(await w.exited).toBe(0);
}, 60_000);
