import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { freePort } from './free-port.js';
import { harnessEnv } from './harness-env.js';
import { repoRoot } from './paths.js';
import { runCommand } from './run-command.js';
import { waitUntil } from './wait-until.js';

/** Python modules of the peer (the Celery apps the tests and benches start) are imported from here. */
export const pythonPeerDir = `${repoRoot}integration/python`;

/** The virtualenv's `python` the global setup made (see python-venv.ts). */
export function pythonPeer(): string {
  const python = process.env[harnessEnv.python];
  if (!python)
    throw new Error(`${harnessEnv.python} is not set: run under the integration vitest project, whose global setup builds the Python peer`);
  return python;
}

/** Options for {@link startCeleryWorker}. */
export interface CeleryWorkerOptions {
  /** The Celery app, as `celery -A` takes it, imported from {@link pythonPeerDir}. */
  app: string;
  /** Queues to consume (`-Q`). */
  queues: readonly string[];
  /** Node name before the `@`, unique per test (`-n name@%h`). */
  name: string;
  /** `-P`; default `solo` (one process, starts fastest). */
  pool?: 'solo' | 'prefork' | 'threads';
  /** `-c`; default 1. */
  concurrency?: number;
  /** Extra `celery worker` arguments, e.g. `['-E']`. */
  args?: readonly string[];
  /** Environment for the app module (broker and backend URLs, queue names...). */
  env?: Readonly<Record<string, string>>;
}

/** A running `celery worker` (or `celery beat`) child process. */
export interface CeleryWorkerProcess {
  readonly pid: number;
  /** Everything it logged so far. */
  log(): string;
  /** Warm shutdown (SIGTERM), then SIGKILL to its process group after `graceMs` (default 15 s). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `python -m celery -A <app> worker` in its own process group and resolves once it logs
 * that it is ready, so the first message a test sends is consumed by a worker that is listening.
 * A worker left running when the test process exits is killed with it.
 */
export function startCeleryWorker(options: CeleryWorkerOptions): Promise<CeleryWorkerProcess> {
  const args = [
    '-P',
    options.pool ?? 'solo',
    '-c',
    String(options.concurrency ?? 1),
    '-Q',
    options.queues.join(','),
    '-n',
    `${options.name}@%h`,
    '--without-gossip',
    '--without-mingle',
    ...(options.args ?? []),
  ];
  return startCeleryProcess({
    app: options.app,
    command: 'worker',
    name: options.name,
    args,
    env: options.env,
    ready: logMatches(/ ready\.$/m),
  });
}

/** Options for {@link startCeleryBeat}. */
export interface CeleryBeatOptions {
  /** The Celery app, as `celery -A` takes it; its `beat_schedule` says what is sent. */
  app: string;
  /** Names the log file and error messages. */
  name: string;
  /** Environment for the app module. */
  env?: Readonly<Record<string, string>>;
}

/**
 * Starts `python -m celery -A <app> beat` (its schedule file in a new temporary folder, so no run
 * sees another's last-run times) and resolves once it logs that it started.
 */
export function startCeleryBeat(options: CeleryBeatOptions): Promise<CeleryWorkerProcess> {
  const schedule = `${mkdtempSync(`${tmpdir()}/tq-celery-beat-`)}/schedule`;
  return startCeleryProcess({
    app: options.app,
    command: 'beat',
    name: options.name,
    args: ['-s', schedule],
    env: options.env,
    ready: logMatches(/beat: Starting\.\.\./),
  });
}

/** Options for {@link startFlower}. */
export interface FlowerOptions {
  /** The Celery app, as `celery -A` takes it: Flower reads its broker from it. */
  app: string;
  /** Names error messages. */
  name: string;
  /** Environment for the app module (its broker URL...). */
  env?: Readonly<Record<string, string>>;
}

/** A running Flower and its HTTP API. */
export interface FlowerProcess extends CeleryWorkerProcess {
  /** Where it listens, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly url: string;
  /** `GET <url><path>` parsed as JSON; rejects with the body when the status is not 2xx. */
  get<T = unknown>(path: string): Promise<T>;
}

/**
 * Starts Flower (`python -m celery -A <app> flower`, the version pinned in requirements.txt) on a
 * free port of 127.0.0.1 and resolves once its HTTP API answers. The API is opened without
 * authentication (`FLOWER_UNAUTHENTICATED_API`, refused otherwise since Flower 2.0): it only
 * listens on loopback and lives for one test file.
 */
export async function startFlower(options: FlowerOptions): Promise<FlowerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    if (!response.ok) throw new Error(`Flower GET ${path}: ${response.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  };
  const flower = await startCeleryProcess({
    app: options.app,
    command: 'flower',
    name: options.name,
    args: [`--port=${port}`, '--address=127.0.0.1'],
    env: { FLOWER_UNAUTHENTICATED_API: 'true', ...options.env },
    ready: async () => {
      await get('/api/workers?status=true');
    },
  });
  return { ...flower, url, get };
}

/** What a `celery` command printed, and its exit code (Celery exits 69 when no node replied). */
export interface CeleryCommandOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `python -m celery -A <app> <args...>` to completion, e.g. `['inspect', 'ping', '-d', node,
 * '--json']`, as an operator would at a shell. Resolves whatever its exit code, so a caller can
 * tell "no node replied" (69) from a reply; rejects only when it cannot run or runs past `timeoutMs`
 * (default 60 s).
 */
export function runCelery(
  app: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 60_000,
): Promise<CeleryCommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      pythonPeer(),
      ['-m', 'celery', '-A', app, ...args],
      {
        cwd: pythonPeerDir,
        env: { ...process.env, PYTHONPATH: pythonPeerDir, PYTHONUNBUFFERED: '1', ...env },
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? error.code : 0;
        if (typeof code === 'number') resolve({ code, stdout, stderr });
        else reject(new Error(`celery ${args.join(' ')} did not finish: ${error?.message}\n${stderr.slice(-3000)}`, { cause: error }));
      },
    );
  });
}

/** Resolves once the process's log matches `pattern`. */
function logMatches(pattern: RegExp): (log: () => string) => Promise<void> {
  return async (log) => {
    if (!pattern.test(log())) throw new Error('not ready yet');
  };
}

/**
 * `python -m celery -A <app> <command>` in its own process group, resolved once `ready` resolves
 * (it is tried again until then). A worker or beat logs to a file (`--logfile`); Flower, which has
 * no such option, to its stderr; `log()` reads both.
 */
async function startCeleryProcess(options: {
  app: string;
  command: 'worker' | 'beat' | 'flower';
  name: string;
  args: readonly string[];
  env: Readonly<Record<string, string>> | undefined;
  ready: (log: () => string) => Promise<void>;
}): Promise<CeleryWorkerProcess> {
  const { name } = options;
  const logFile = options.command === 'flower' ? undefined : `${mkdtempSync(`${tmpdir()}/tq-celery-`)}/${name}.log`;
  const logArgs = logFile ? ['--loglevel=INFO', `--logfile=${logFile}`] : [];
  const args = ['-m', 'celery', '-A', options.app, options.command, ...logArgs, ...options.args];
  const child = spawn(pythonPeer(), args, {
    cwd: pythonPeerDir,
    env: { ...process.env, PYTHONPATH: pythonPeerDir, PYTHONUNBUFFERED: '1', C_FORCE_ROOT: '1', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Flower logs every request here: keep the tail only.
    stderr = `${stderr}${chunk.toString()}`.slice(-200_000);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`celery ${options.command} ${name}: could not spawn ${pythonPeer()}`);
  const killOnExit = () => killGroup(pid, 'SIGKILL');
  process.once('exit', killOnExit);
  const log = () => `${logFile ? readLog(logFile) : ''}${stderr}`;
  try {
    await waitUntil(() => options.ready(log), {
      what: `celery ${options.command} ${name} ready`,
      abortIf: () => {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`celery ${options.command} ${name} exited (${child.exitCode ?? child.signalCode}):\n${log().slice(-3000)}`);
      },
    });
  } catch (error) {
    // Never left running behind a failed start: the caller has no handle to stop it.
    killGroup(pid, 'SIGKILL');
    process.removeListener('exit', killOnExit);
    throw error;
  }
  return {
    pid,
    log,
    async stop(graceMs = 15_000) {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(pid, 'SIGTERM');
      const exited = await exitWithin(child, graceMs);
      if (!exited) {
        killGroup(pid, 'SIGKILL');
        await exitWithin(child, 5_000);
      }
    },
  };
}

/**
 * Runs a Python script of the peer (`integration/python/<script>`) to completion and returns its
 * stdout: a Python producer sending tasks, or a reader of results. Rejects with its output on failure.
 */
export function runPythonScript(script: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<string> {
  return runCommand(pythonPeer(), [`${pythonPeerDir}/${script}`, ...args], {
    cwd: pythonPeerDir,
    env: { PYTHONPATH: pythonPeerDir, PYTHONUNBUFFERED: '1', ...env },
  });
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function exitWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
