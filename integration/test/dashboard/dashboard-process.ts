import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '../../../packages/cli/src/bin.ts');
const fixture = join(import.meta.dirname, 'fixtures/dashboard-app.ts');

/** A running `tq dashboard` process (the real CLI, from source through tsx), on the fixture app. */
export class DashboardProcess {
  private output = '';

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Start `tq dashboard --app <fixture> ...args` with the test's queue, and wait until it listens. */
  static async start(queue: string, args: string[]): Promise<DashboardProcess> {
    const child = spawn(process.execPath, ['--conditions=@tq/source', '--import', 'tsx', bin, 'dashboard', '--app', fixture, ...args], {
      env: { ...process.env, TQ_DASHBOARD_TEST_QUEUE: queue, TQ_LOG_LEVEL: 'warn', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const dashboard = new DashboardProcess(child);
    const end = Date.now() + 45_000;
    while (!dashboard.output.includes('ready: dashboard on')) {
      if (child.exitCode !== null) throw new Error(`tq dashboard exited with ${child.exitCode}:\n${dashboard.output}`);
      if (Date.now() > end) throw new Error(`tq dashboard did not get ready:\n${dashboard.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return dashboard;
  }

  /** Stop it as an operator would (SIGTERM) and wait for its exit; SIGKILL when it hangs. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}
