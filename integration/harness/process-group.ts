import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { processRegistry } from './process-registry.js';

/** State letter and process group of a pid from /proc (Linux), or undefined when unknown. */
function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid pgrp ...`; comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state && pgrp ? { state, pgrp: Number(pgrp) } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a live process; a zombie (exited, not yet reaped) counts as dead. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return procStat(pid)?.state !== 'Z';
}

/** Live members of process group `pgid`. Uses /proc where it exists, else only asks the kernel whether any member is left. */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  return entries
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const stat = procStat(pid);
      return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z';
    });
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Stops the process group led by `pgid` (every broker is spawned as its own group, so this
 * also reaches helpers such as Erlang's port programs): SIGTERM, then SIGKILL after `graceMs`.
 * Resolves once no member is left, and then drops it from the {@link processRegistry}.
 */
export async function stopProcessGroup(pgid: number, graceMs = 10_000): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupMembers(pgid).length > 0) {
    if (Date.now() > deadline) {
      signalGroup(pgid, 'SIGKILL');
      for (const pid of groupMembers(pgid)) process.kill(pid, 'SIGKILL');
    }
    await sleep(100);
  }
  processRegistry.remove(pgid);
}

/** Last-resort synchronous kill (for `process.on('exit')`, where nothing async runs). */
export function killGroupNow(pgid: number): void {
  signalGroup(pgid, 'SIGKILL');
}
