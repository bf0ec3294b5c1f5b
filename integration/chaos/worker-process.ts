import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChaosWorkerSettings } from './chaos-worker-settings.js';

const script = fileURLToPath(new URL('./chaos-worker.ts', import.meta.url));
const integrationDir = fileURLToPath(new URL('..', import.meta.url));

/** How long a worker process may take to load, connect and start consuming on a loaded machine. */
const READY_TIMEOUT_MS = 60_000;

/**
 * A chaos worker ({@link ChaosWorkerSettings}) in its own process, on the TypeScript sources (no
 * build). Its stderr (the worker's warnings) goes to `<recordDir>/worker-<n>.log`.
 */
export class WorkerProcess {
  private readonly child: ChildProcess;
  /** Resolves once the worker consumes; rejects when it exits first or takes too long. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<string>;
  private readonly logFile: string;

  private static started = 0;

  constructor(settings: ChaosWorkerSettings) {
    this.logFile = `${settings.recordDir}/worker-${++WorkerProcess.started}.log`;
    const log = openSync(this.logFile, 'a');
    this.child = spawn(process.execPath, ['--expose-gc', '--conditions=@tq/source', '--import', 'tsx', script], {
      cwd: integrationDir,
      env: { ...process.env, TQ_CHAOS_WORKER: JSON.stringify(settings), TQ_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', log],
    });
    closeSync(log);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)));
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker ${this.pid} not ready after ${READY_TIMEOUT_MS} ms\n${this.logTail()}`)),
        READY_TIMEOUT_MS,
      );
      this.child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void this.exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`worker ${this.pid} exited (${how}) before it was ready\n${this.logTail()}`));
      });
    });
    this.ready.catch(() => {}); // awaited by the test; a kill before ready is not an error here
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no shutdown, no acks, no goodbye to the broker. Resolves once it is gone. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (warm shutdown), then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Ask the worker for a full garbage collection (it collects on SIGUSR2) and give it a moment. */
  async collectGarbage(): Promise<void> {
    this.child.kill('SIGUSR2');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  /** Resident set size in MB, from /proc (the process itself, not a report it could get wrong). */
  rssMb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    if (!Number.isFinite(kb)) throw new Error(`no VmRSS for worker ${this.pid}`);
    return kb / 1024;
  }

  /** The end of the worker's log, for failure messages. */
  logTail(bytes = 3000): string {
    try {
      const text = readFileSync(this.logFile, 'utf8');
      return text.length > bytes ? `…${text.slice(-bytes)}` : text || '(its log is empty)';
    } catch {
      return '(no log)';
    }
  }
}
