import { execFile } from 'node:child_process';

/** Options for {@link runCommand}. */
export interface RunCommandOptions {
  env?: Record<string, string>;
  cwd?: string;
  uid?: number;
  gid?: number;
  /** Default 120 s. */
  timeoutMs?: number;
}

/** Runs a short command to completion; rejects with its output on failure. */
export function runCommand(command: string, args: string[], options: RunCommandOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 16 * 1024 * 1024,
        ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
      },
      (error, stdout, stderr) => {
        if (error) {
          const output = `${stdout}${stderr}`.trim().split('\n').slice(-15).join('\n');
          reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${output}`, { cause: error }));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}
