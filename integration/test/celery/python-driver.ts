import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pythonPeer, pythonPeerDir } from '../../harness/index.js';

/** A Python exception as the driver reports it (what `AsyncResult.get()` raised, or a broken request). */
export interface PythonError {
  type: string;
  module: string;
  message: string;
  args: string[];
}

/** What `get`-like requests answer: the value, or the exception Python's `get()` raised. */
export type PythonOutcome<T = unknown> = { value: T; error?: undefined } | { error: PythonError; value?: undefined };

/**
 * One long-lived `python tq_driver.py` (integration/python/): the Python producer of a describe.
 * Requests are JSON lines answered in order, so a describe pays for one Python start (about a
 * second, several on a loaded machine) instead of one per call. Requests are sent one at a time.
 */
export class PythonDriver {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly answers: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const waiter = this.waiting;
      this.waiting = undefined;
      if (waiter) waiter(line);
      else this.answers.push(line);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = `${this.stderr}${chunk.toString()}`.slice(-20_000);
    });
  }

  /** Starts the driver with the peer app's environment (`TQ_PEER_*`) and waits until it answers. */
  static async start(env: Readonly<Record<string, string>>): Promise<PythonDriver> {
    const child = spawn(pythonPeer(), [`${pythonPeerDir}/tq_driver.py`], {
      cwd: pythonPeerDir,
      env: { ...process.env, PYTHONPATH: pythonPeerDir, PYTHONUNBUFFERED: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const driver = new PythonDriver(child);
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));
    await driver.next(60_000);
    return driver;
  }

  /** Sends `{ op, ...payload }` and resolves with the answer; rejects with Python's error or on timeout. */
  request<T extends object = Record<string, unknown>>(op: string, payload: Record<string, unknown> = {}, timeoutMs = 90_000): Promise<T> {
    const run = async () => {
      this.child.stdin?.write(`${JSON.stringify({ op, ...payload })}\n`);
      const answer = JSON.parse(await this.next(timeoutMs)) as { ok: boolean; error?: PythonError } & T;
      if (!answer.ok)
        throw new Error(`python driver '${op}' failed: ${answer.error?.type}: ${answer.error?.message}\n${this.stderr.slice(-3000)}`);
      return answer;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Closes stdin (the driver exits at end of input) and waits; kills it after 5 s. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  private next(timeoutMs: number): Promise<string> {
    const queued = this.answers.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        this.waiting = undefined;
        this.child.removeListener('exit', onExit);
        reject(new Error(`python driver ${why}:\n${this.stderr.slice(-3000)}`));
      };
      const onExit = (code: number | null, signal: string | null) => fail(`exited (${code ?? signal})`);
      const timer = setTimeout(() => {
        // A late answer would be taken for the next request's: the driver is done.
        this.child.kill('SIGKILL');
        fail(`gave no answer within ${timeoutMs} ms`);
      }, timeoutMs);
      this.child.once('exit', onExit);
      this.waiting = (line) => {
        clearTimeout(timer);
        this.child.removeListener('exit', onExit);
        resolve(line);
      };
    });
  }
}
