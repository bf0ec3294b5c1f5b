import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { harnessEnv } from '../../harness/harness-env.js';
import { isAlive } from '../../harness/process-group.js';
import { selectedServices } from '../../harness/selected-services.js';
import { serviceEnvVars } from '../../harness/service-names.js';
import { type BrokersState, readState } from '../../harness/state-file.js';

const integrationDir = fileURLToPath(new URL('../../', import.meta.url));
// The process-managing services (RabbitMQ forks an Erlang VM and helpers); Kafka and
// ElasticMQ are single JVMs managed the same way, and slow to start three times.
const services = selectedServices().filter((name) => ['redis', 'redis-cluster', 'amqp'].includes(name));

/** The brokers CLI in a child process with a private state dir, forced to start local processes. */
function cli(stateDir: string, ...args: string[]): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, TQ_BROKERS_STATE_DIR: stateDir, TRANSPORTS: services.join(','), BROKERS_MODE: 'local' };
  // The URLs of this run's brokers would be probed and reused instead of starting new ones.
  for (const name of [...Object.values(serviceEnvVars), ...Object.values(harnessEnv)]) delete env[name];
  return spawn(process.execPath, ['--import', 'tsx', 'harness/brokers-cli.ts', ...args], {
    cwd: integrationDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function output(child: ChildProcess): { text: () => string; exited: Promise<number | null> } {
  let text = '';
  child.stdout?.on('data', (chunk) => (text += chunk));
  child.stderr?.on('data', (chunk) => (text += chunk));
  return { text: () => text, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** Pids of live processes that still use `runDir` (in their command line or environment, e.g. Erlang's helpers). */
function processesUsing(runDir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return isAlive(Number(pid)) && `${readFileSync(`/proc/${pid}/cmdline`)}${readFileSync(`/proc/${pid}/environ`)}`.includes(runDir);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}

async function expectAllGone(state: BrokersState): Promise<void> {
  const deadline = Date.now() + 15_000;
  const survivors = () => [...state.processes.map((record) => record.pid).filter(isAlive), ...processesUsing(state.runDir)];
  while (survivors().length > 0 && Date.now() < deadline) await sleep(200);
  expect(survivors()).toEqual([]);
}

async function waitForState(stateFile: string, child: { text: () => string }): Promise<BrokersState> {
  const deadline = Date.now() + 90_000;
  while (!child.text().includes('running; Ctrl-C to stop')) {
    if (Date.now() > deadline) throw new Error(`harness did not come up:\n${child.text()}`);
    await sleep(200);
  }
  const state = readState(stateFile);
  if (!state) throw new Error('no state file');
  return state;
}

describe.skipIf(services.length === 0 || process.platform !== 'linux')('harness process clean-up', () => {
  const dirs: string[] = [];
  const privateStateDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tq-harness-test-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'leaves no broker process behind when the owner gets %s',
    { timeout: 120_000 },
    async (signal) => {
      const stateDir = privateStateDir();
      const child = cli(stateDir, 'up', '--foreground');
      const run = output(child);
      const state = await waitForState(join(stateDir, 'cli.json'), run);
      expect(Object.keys(state.services).sort()).toEqual([...services].sort());
      expect(state.processes.length).toBeGreaterThanOrEqual(services.length);
      expect(state.processes.every((record) => isAlive(record.pid))).toBe(true);

      child.kill(signal);
      expect(await run.exited).not.toBe(0);
      await expectAllGone(state);
    },
  );

  it('`up` leaves brokers running after it exits and `down` stops them by pid', { timeout: 120_000 }, async () => {
    const stateDir = privateStateDir();
    const started = output(cli(stateDir, 'up'));
    expect(await started.exited, started.text()).toBe(0);
    for (const name of services) expect(started.text()).toContain(`export ${serviceEnvVars[name]}=`);
    const state = readState(join(stateDir, 'cli.json'));
    expect(state?.processes.every((record) => isAlive(record.pid))).toBe(true);

    const stopped = output(cli(stateDir, 'down'));
    expect(await stopped.exited, stopped.text()).toBe(0);
    if (state) await expectAllGone(state);
    expect(readState(join(stateDir, 'cli.json'))).toBeUndefined();
  });
});
