import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CliTransport } from './fixtures/cli-app-of.js';

const bin = join(import.meta.dirname, '../../../packages/cli/src/bin.ts');
const fixture = join(import.meta.dirname, 'fixtures/cli-app.ts');

/** A `tq` process and what it printed so far. */
export interface TqProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** How a finished `tq` process ended. */
export interface TqOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the real `tq` binary (from source, through tsx) as an operator would, with `--app` the
 * fixture app on `transport`'s broker and no colours; {@link TqProcesses.stopAll} kills what is left.
 */
export class TqProcesses {
  private readonly started = new Set<ChildProcess>();

  constructor(private readonly transport: CliTransport) {}

  /** Start `tq args... --app <fixture>`. */
  start(...args: string[]): TqProcess {
    const env = { ...process.env, TQ_CLI_TRANSPORT: this.transport, TQ_LOG_LEVEL: 'warn', NO_COLOR: '1' };
    const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', bin, ...args, '--app', fixture], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.started.add(child);
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, stdout: () => out, stderr: () => err, exited };
  }

  /** Run `tq args...` to its end. */
  async run(...args: string[]): Promise<TqOutcome> {
    const p = this.start(...args);
    const code = await p.exited;
    return { code, stdout: p.stdout(), stderr: p.stderr() };
  }

  /** SIGKILL every process still running (a failed test leaves none behind). */
  stopAll(): void {
    for (const child of this.started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Resolves once `check()` holds; rejects after `timeoutMs` naming `what`. */
export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
