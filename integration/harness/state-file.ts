import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { log } from './log.js';
import { isAlive, stopProcessGroup } from './process-group.js';
import type { ProcessRecord, ServiceMode } from './running-service.js';
import type { ServiceName } from './service-names.js';

/** What a harness run wrote down, so another process (`pnpm brokers down`, the next run) can clean up by pid. */
export interface BrokersState {
  /** Pid of the process that started the brokers. */
  owner: number;
  startedAt: string;
  /** Scratch dir with every service's data and logs. */
  runDir: string;
  services: Partial<
    Record<ServiceName, { mode: ServiceMode; description: string; env: Record<string, string>; processes: ProcessRecord[] }>
  >;
  /** Every process started and not yet stopped, including ones from a start that failed halfway. */
  processes: ProcessRecord[];
}

/** Writes `state` atomically (a reader never sees half a file). */
export function writeState(file: string, state: BrokersState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The state in `file`, or undefined when there is none. */
export function readState(file: string): BrokersState | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as BrokersState;
}

/** Whether `record.pid` is alive and still the process we started (pids get reused). */
export function isOurs(record: ProcessRecord): boolean {
  if (!isAlive(record.pid)) return false;
  try {
    return readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').includes(record.command);
  } catch {
    return true; // no /proc (macOS): trust the pid
  }
}

/** Kills every process recorded in `state` that is still ours, removes its data and the state file. */
export async function cleanUpState(file: string, state: BrokersState): Promise<void> {
  await Promise.all(
    state.processes.filter(isOurs).map(async (record) => {
      if (record.group) await stopProcessGroup(record.pid);
      else if (isAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
    }),
  );
  rmSync(state.runDir, { recursive: true, force: true });
  rmSync(file, { force: true });
}

/**
 * Cleans up after harness runs in `dir` whose owner died without stopping its brokers
 * (e.g. `kill -9` of vitest), so leftovers never pile up.
 */
export async function reapStaleStates(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    const file = `${dir}/${entry}`;
    const state = readState(file);
    if (!state || isAlive(state.owner)) continue;
    log(`cleaning up brokers left by dead run ${state.owner} (${file})`);
    await cleanUpState(file, state);
  }
}
