import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { processRegistry } from './process-registry.js';

/** What to run for one broker process. */
export interface ProcessSpec {
  /** Short label for messages, e.g. `redis-server`. */
  label: string;
  command: string;
  args: string[];
  /** Extra environment on top of the harness's own. */
  env?: Record<string, string>;
  cwd?: string;
  /** Run as this user (root only), e.g. RabbitMQ's `rabbitmq` user. */
  uid?: number;
  gid?: number;
  /** stdout and stderr go here (a file, not a pipe, so the broker outlives `pnpm brokers up`). */
  logFile: string;
}

/** A spawned broker process, leader of its own process group. */
export interface ManagedProcess {
  readonly spec: ProcessSpec;
  /** Pid, which is also the process group id. */
  readonly pid: number;
  /** Throws with the log tail if the process has exited (for readiness loops). */
  assertRunning(): void;
  /** Stop listening to the child so this process may exit while it keeps running. */
  detach(): void;
}

/** Spawns `spec` detached into a new process group, logging to `spec.logFile`, and registers its pid. */
export function spawnManaged(spec: ProcessSpec): ManagedProcess {
  const logFd = openSync(spec.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', logFd, logFd],
      // Own process group: a terminal's Ctrl-C does not reach it (the harness stops it in
      // order), and one kill(-pgid) reaches every helper process it forks.
      detached: true,
      ...(spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid }),
    });
  } finally {
    closeSync(logFd);
  }
  let exit: string | undefined;
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  child.on('exit', (code, signal) => {
    exit = signal ? `signal ${signal}` : `code ${code}`;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.label}: could not spawn ${spec.command}`);
  processRegistry.add({ pid, group: true, command: spec.command });
  return {
    spec,
    pid,
    assertRunning() {
      if (spawnError) throw new Error(`${spec.label}: ${spawnError.message}`);
      if (exit) throw new Error(`${spec.label} exited (${exit}); log ${spec.logFile}:\n${logTail(spec.logFile)}`);
    },
    detach() {
      child.unref();
    },
  };
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}
